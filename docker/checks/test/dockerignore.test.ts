import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import t from 'tap'
import { checkContextFiles, checkExcluded, contextFilesNeeded } from './lib/build-context.js'
import { readDockerfile } from './lib/dockerfile.js'
import { isExcluded, parseDockerignore, readDockerignore } from './lib/dockerignore.js'
import { IMAGES } from './lib/images.js'
import { FIXTURES_DIR, REPOSITORY_ROOT } from './lib/paths.js'

/** Paths that must never enter an image. */
const MUST_BE_EXCLUDED = [
  'node_modules/typescript/package.json',
  'apps/api/node_modules/.bin/tsc',
  'packages/shared/dist/index.js',
  'apps/triggers/dist-bundles/batch-events.zip',
  '.git/HEAD',
  '.local/secrets.json',
  '.local/dynamodb/shared-local-instance.db',
  '.env',
  'apps/api/.env.local',
  'infra/terraform/terraform.tfstate',
  'infra/terraform/prod.tfvars',
  'infra/terraform/.terraform/providers/aws',
  'checkpoints/run-1/model.pt',
  'examples/ddp-digits/__pycache__/train.cpython-311.pyc',
]

/** The Dockerfiles that use the root .dockerignore: those without a <Dockerfile>.dockerignore. */
const rootIgnoreImages = IMAGES.filter(
  (image) => !existsSync(join(REPOSITORY_ROOT, `${image.dockerfile}.dockerignore`)),
)

t.test('patterns follow Docker matching rules', async (t) => {
  const cases: [patterns: string, path: string, excluded: boolean][] = [
    ['node_modules', 'node_modules/a.js', true],
    ['node_modules', 'apps/api/node_modules/a.js', false],
    ['**/node_modules', 'apps/api/node_modules/a.js', true],
    ['**/node_modules', 'node_modules/a.js', true],
    ['docker/*.mjs', 'docker/healthcheck.mjs', true],
    ['docker/*.mjs', 'docker/compose/init.mjs', false],
    ['**/*.md', 'examples/ddp-digits/README.md', true],
    ['/.local', '.local/secrets.json', true],
    ['docs/', 'docs/docker.md', true],
    ['*\n!docker/trainer/entrypoint.sh', 'docker/trainer/entrypoint.sh', false],
    ['*\n!docker/trainer/entrypoint.sh', 'docker/trainer/Dockerfile', true],
    ['**/test\n!docker/checks/test', 'docker/checks/test/a.ts', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file10.txt', false],
  ]

  for (const [patterns, path, excluded] of cases) {
    t.equal(
      isExcluded(parseDockerignore(patterns), path),
      excluded,
      `${JSON.stringify(patterns)} on ${path}`,
    )
  }
})

t.test('root .dockerignore excludes secrets and output', async (t) => {
  const patterns = readDockerignore(join(REPOSITORY_ROOT, '.dockerignore'))

  t.same(checkExcluded(patterns, MUST_BE_EXCLUDED), [])
})

for (const image of rootIgnoreImages) {
  t.test(`root .dockerignore keeps what ${image.dockerfile} copies`, async (t) => {
    const patterns = readDockerignore(join(REPOSITORY_ROOT, '.dockerignore'))
    const needed = contextFilesNeeded(
      readDockerfile(join(REPOSITORY_ROOT, image.dockerfile)),
      REPOSITORY_ROOT,
    )

    t.same(checkContextFiles(patterns, REPOSITORY_ROOT, needed), [])
  })
}

t.test('build stage needs manifests and sources', async (t) => {
  const needed = contextFilesNeeded(
    readDockerfile(join(REPOSITORY_ROOT, 'docker/api.Dockerfile')),
    REPOSITORY_ROOT,
  )

  for (const path of [
    'package-lock.json',
    'tsconfig.base.json',
    'docker/checks/package.json',
    'apps/api/tsconfig.build.json',
    'apps/api/src/server.ts',
    'packages/shared/src/index.ts',
    'docker/healthcheck.mjs',
  ]) {
    t.ok(needed.includes(path), path)
  }
  t.notOk(needed.includes('apps/worker/src/main.ts'), 'the worker is not built in the API image')
})

t.test('dropped needed files reported', async (t) => {
  const patterns = readDockerignore(
    join(FIXTURES_DIR, 'dockerignore', 'drops-needed-files.dockerignore'),
  )
  const needed = contextFilesNeeded(
    readDockerfile(join(REPOSITORY_ROOT, 'docker/api.Dockerfile')),
    REPOSITORY_ROOT,
  )

  const problems = checkContextFiles(patterns, REPOSITORY_ROOT, needed)

  t.ok(
    problems.includes('docker/healthcheck.mjs is excluded by .dockerignore, but an image needs it'),
  )
  t.ok(
    problems.includes('apps/api/src/server.ts is excluded by .dockerignore, but an image needs it'),
  )
})

t.test('admitted local data reported', async (t) => {
  const patterns = readDockerignore(
    join(FIXTURES_DIR, 'dockerignore', 'keeps-local-data.dockerignore'),
  )

  const problems = checkExcluded(patterns, MUST_BE_EXCLUDED)

  t.ok(
    problems.includes(
      '.local/secrets.json would enter the build context; add a pattern to .dockerignore',
    ),
  )
  t.ok(
    problems.includes(
      'infra/terraform/terraform.tfstate would enter the build context; add a pattern to .dockerignore',
    ),
  )
  t.notOk(
    problems.some((problem) => problem.startsWith('packages/shared/dist/')),
    'dist stays out',
  )
})

t.test('missing file is reported', async (t) => {
  const problems = checkContextFiles([], REPOSITORY_ROOT, ['docker/no-such-script.mjs'])

  t.same(problems, ['docker/no-such-script.mjs does not exist'])
})

t.test('only trainer has own ignore file', async (t) => {
  const own = IMAGES.filter((image) => !rootIgnoreImages.includes(image)).map(
    (image) => image.dockerfile,
  )

  t.same(own, ['docker/trainer/Dockerfile'])
  t.ok(existsSync(join(REPOSITORY_ROOT, dirname(own[0] ?? ''), 'Dockerfile.dockerignore')))
})
