import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { assertOneProblem } from './lib/assertions.js'
import { parseDockerfile, readDockerfile } from './lib/dockerfile.js'
import { imageStages } from './lib/dockerfile-rules.js'
import {
  checkBuildOrder,
  checkBuiltOutputCopied,
  checkProductionDependencies,
  checkStartedFiles,
} from './lib/image-contents.js'
import { IMAGES } from './lib/images.js'
import { REPOSITORY_ROOT } from './lib/paths.js'
import { readWorkspaces } from './lib/workspaces.js'

const workspaces = readWorkspaces()

for (const image of IMAGES) {
  const node = image.node
  if (!node) continue

  t.test(`${image.dockerfile} holds exactly what it runs`, async (t) => {
    const file = readDockerfile(join(REPOSITORY_ROOT, image.dockerfile))
    const stages = imageStages(file, image.targets)

    t.same(
      checkProductionDependencies(file, workspaces, node.installs),
      [],
      'production dependencies',
    )
    t.same(checkBuildOrder(file, workspaces, node.runs), [], 'build order')
    t.same(checkBuiltOutputCopied(stages, workspaces, node.runs), [], 'built output')
    t.same(checkStartedFiles(stages, workspaces, node.runs, REPOSITORY_ROOT), [], 'started files')
  })
}

// The break tests change one line of the real API Dockerfile each.
const apiText = readFileSync(join(REPOSITORY_ROOT, 'docker/api.Dockerfile'), 'utf8')
const API = ['@trainplane/api']

function changedApi(t: Test, from: string, to: string) {
  t.ok(apiText.includes(from), `the API Dockerfile contains ${JSON.stringify(from)}`)
  const file = parseDockerfile(apiText.replace(from, to))
  return { file, stages: imageStages(file) }
}

t.test('unneeded workspace manifest reported', async (t) => {
  const { file } = changedApi(
    t,
    'COPY packages/shared/package.json packages/shared/',
    'COPY packages/shared/package.json packages/shared/\nCOPY packages/testkit/package.json packages/testkit/',
  )

  assertOneProblem(
    t,
    checkProductionDependencies(file, workspaces, API),
    /copies packages\/testkit\/package\.json, but the image does not install that workspace/,
  )
})

t.test('missing imported manifest reported', async (t) => {
  const { file } = changedApi(t, 'COPY packages/shared/package.json packages/shared/', '')

  assertOneProblem(
    t,
    checkProductionDependencies(file, workspaces, API),
    /does not copy packages\/shared\/package\.json/,
  )
})

t.test('root dependency install reported', async (t) => {
  const { file } = changedApi(t, ' --include-workspace-root=false', '')

  assertOneProblem(
    t,
    checkProductionDependencies(file, workspaces, API),
    /also installs the root's dependencies/,
  )
})

t.test('dependency built too late reported', async (t) => {
  const { file } = changedApi(
    t,
    'npm run build --workspace=@trainplane/shared \\\n    && npm run build --workspace=@trainplane/api',
    'npm run build --workspace=@trainplane/api \\\n    && npm run build --workspace=@trainplane/shared',
  )

  assertOneProblem(
    t,
    checkBuildOrder(file, workspaces, API),
    /@trainplane\/api is built before @trainplane\/shared/,
  )
})

t.test('missing imported dist reported', async (t) => {
  const { stages } = changedApi(
    t,
    'COPY --from=build /opt/trainplane/packages/shared/dist packages/shared/dist',
    '',
  )

  assertOneProblem(
    t,
    checkBuiltOutputCopied(stages, workspaces, API),
    /does not copy \/opt\/trainplane\/packages\/shared\/dist/,
  )
})

t.test('entry point without source reported', async (t) => {
  const { stages } = changedApi(t, 'apps/api/dist/server.js', 'apps/api/dist/serve.js')

  assertOneProblem(
    t,
    checkStartedFiles(stages, workspaces, API, REPOSITORY_ROOT),
    /apps\/api\/src\/serve\.ts does not exist/,
  )
})

t.test('uncopied health check script reported', async (t) => {
  const { stages } = changedApi(t, 'COPY docker/healthcheck.mjs docker/healthcheck.mjs', '')

  assertOneProblem(
    t,
    checkStartedFiles(stages, workspaces, API, REPOSITORY_ROOT),
    /starts docker\/healthcheck\.mjs, which no COPY brings into the image/,
  )
})
