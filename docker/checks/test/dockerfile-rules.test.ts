import { join } from 'node:path'
import t from 'tap'
import { assertOneProblem } from './lib/assertions.js'
import { readDockerfile } from './lib/dockerfile.js'
import {
  checkBaseImagesPinned,
  checkDockerfile,
  checkExecForm,
  checkHealthcheck,
  checkNoDevDependencies,
  checkNonRootUser,
  checkNoSourceTree,
  checkOciLabels,
  imageStages,
} from './lib/dockerfile-rules.js'
import { IMAGES } from './lib/images.js'
import { FIXTURES_DIR, REPOSITORY_ROOT } from './lib/paths.js'

function fixture(name: string) {
  const file = readDockerfile(join(FIXTURES_DIR, 'dockerfiles', name))
  return { file, stages: imageStages(file) }
}

for (const image of IMAGES) {
  t.test(`${image.dockerfile} keeps the image rules`, async (t) => {
    const file = readDockerfile(join(REPOSITORY_ROOT, image.dockerfile))

    const problems = checkDockerfile(file, {
      targets: image.targets,
      healthchecks: image.healthchecks,
    })

    t.same(
      problems,
      [],
      'non-root, exec form, pinned bases, no dev dependencies, labels, health checks',
    )
  })
}

t.test('API image declares a health check', async (t) => {
  const api = IMAGES.find((image) => image.dockerfile === 'docker/api.Dockerfile')

  t.same(api?.healthchecks, ['runtime'])
})

t.test('valid fixture keeps every rule', async (t) => {
  const { file } = fixture('valid.Dockerfile')

  t.same(checkDockerfile(file, { healthchecks: ['runtime'] }), [])
})

t.test('image without USER is reported', async (t) => {
  const { stages } = fixture('runs-as-root.Dockerfile')

  assertOneProblem(t, checkNonRootUser(stages), /stage "runtime" \(line 2\): no USER instruction/)
})

t.test('image ending as root reported', async (t) => {
  const { stages } = fixture('user-root-last.Dockerfile')

  assertOneProblem(t, checkNonRootUser(stages), /the last USER \(line 8\) is root/)
})

t.test('shell-form CMD is reported', async (t) => {
  const { stages } = fixture('shell-form.Dockerfile')

  assertOneProblem(t, checkExecForm(stages), /CMD \(line 9\) is in shell form/)
})

t.test('unversioned base images reported', async (t) => {
  const { file } = fixture('unpinned-base.Dockerfile')

  const problems = checkBaseImagesPinned(file)

  t.equal(problems.length, 2)
  t.match(problems[0], /stage "build" \(line 2\): FROM node has no tag/)
  t.match(problems[1], /stage "runtime" \(line 6\): FROM node:latest is not pinned/)
})

t.test('node_modules from build stage reported', async (t) => {
  const { file, stages } = fixture('dev-dependencies-copied.Dockerfile')

  const problems = checkNoDevDependencies(file, stages)

  t.equal(problems.length, 1, 'the dist folder of the same stage is allowed')
  t.match(
    problems[0],
    /line 12 copies \/app\/node_modules from stage "build" \(line 3\), which installed dev dependencies/,
  )
})

t.test('image from build stage reported', async (t) => {
  const { file, stages } = fixture('runtime-from-build.Dockerfile')

  assertOneProblem(
    t,
    checkNoDevDependencies(file, stages),
    /starts from stage "build" \(line 3\), which installs dev dependencies/,
  )
})

t.test('pruned dev dependencies allowed', async (t) => {
  const { file, stages } = fixture('pruned-dev-dependencies.Dockerfile')

  t.same(checkNoDevDependencies(file, stages), [])
})

t.test('whole context copy reported', async (t) => {
  const { stages } = fixture('whole-context.Dockerfile')

  assertOneProblem(t, checkNoSourceTree(stages), /line 6 copies the whole build context/)
})

t.test('service image without HEALTHCHECK is reported', async (t) => {
  const { stages } = fixture('no-healthcheck.Dockerfile')

  assertOneProblem(t, checkHealthcheck(stages), /stage "runtime" \(line 2\): no HEALTHCHECK/)
})

t.test('image without OCI labels is reported', async (t) => {
  const { stages } = fixture('no-labels.Dockerfile')

  assertOneProblem(
    t,
    checkOciLabels(stages),
    /no org\.opencontainers\.image\.title or org\.opencontainers\.image\.description label/,
  )
})

t.test('unknown target is an error', async (t) => {
  const { file } = fixture('valid.Dockerfile')

  t.throws(() => imageStages(file, ['missing']), /no stage named "missing"/)
})
