import { join } from 'node:path'
import t from 'tap'
import { assertOneProblem } from './lib/assertions.js'
import { ComposeParseError, hasHealthcheck, loadCompose } from './lib/compose.js'
import {
  checkBuilds,
  checkComposeStructure,
  checkDependsOnHealth,
  checkNamedVolumes,
  checkPortsOnLoopback,
} from './lib/compose-rules.js'
import { COMPOSE_FILE, FIXTURES_DIR, REPOSITORY_ROOT } from './lib/paths.js'

function fixture(name: string) {
  return loadCompose(join(FIXTURES_DIR, 'compose', name))
}

t.test('compose.yaml keeps structure rules', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)

  t.same(checkComposeStructure(compose, REPOSITORY_ROOT), [])
})

t.test('compose.yaml runs npm start services', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)

  t.same(Object.keys(compose.services).sort(), [
    'api',
    'batch-local',
    'cognito-local',
    'dynamodb',
    'init',
    'lambda-host',
    'worker',
  ])
})

t.test('every long-running service reports its health', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)

  for (const name of ['dynamodb', 'lambda-host', 'cognito-local', 'batch-local', 'api']) {
    t.ok(hasHealthcheck(compose, name), name)
  }
  t.notOk(hasHealthcheck(compose, 'init'), 'the init job is waited for by its exit status')
})

// The invalid fixture has a .txt name, because Biome, which lints the repository, parses .yaml.
t.test('invalid YAML reported with position', async (t) => {
  t.throws(() => fixture('invalid-yaml.txt'), ComposeParseError)
  t.throws(() => fixture('invalid-yaml.txt'), /invalid-yaml\.txt: .*at line 6/s)
})

t.test('compose file without services is reported', async (t) => {
  t.throws(() => fixture('no-services.yaml'), /no-services\.yaml: has no services mapping/)
})

t.test('ports on every interface reported', async (t) => {
  const problems = checkPortsOnLoopback(fixture('ports-on-all-interfaces.yaml'))

  t.same(problems, [
    'api: port 3000:3000 is published on every interface; publish it as "127.0.0.1:3000:3000"',
    'api: port 8000 is published on every interface; publish it as "127.0.0.1:8000:8000"',
    'api: port {"target":9100,"published":9100} is published on every interface; publish it as "127.0.0.1:9100:9100"',
  ])
})

t.test('depends_on service_started reported', async (t) => {
  assertOneProblem(
    t,
    checkDependsOnHealth(fixture('depends-on-started.yaml')),
    /api: depends_on database waits only for service_started/,
  )
})

t.test('depends_on unhealthy service reported', async (t) => {
  const problems = checkDependsOnHealth(fixture('depends-on-unhealthy.yaml'))

  t.same(problems, [
    'api: depends_on database waits for service_healthy, but database has no health check in compose.yaml or in its image',
    'api: depends_on cache names no service of this file',
  ])
})

t.test('data outside named volumes is reported', async (t) => {
  const problems = checkNamedVolumes(fixture('host-folder-volumes.yaml'))

  t.same(problems, [
    'database: volume ./data:/var/lib/database mounts a host folder; keep data in a named volume declared under volumes',
    'database: volume /var/cache/database is anonymous; name it and declare it under volumes',
    'database: volume logs is not declared under the top-level volumes',
  ])
})

t.test('build outside repository root reported', async (t) => {
  const problems = checkBuilds(fixture('wrong-build-context.yaml'), REPOSITORY_ROOT)

  t.same(problems, [
    'api: the build context is docker, not the repository root, whose .dockerignore applies',
    'api: the Dockerfile docker/missing.Dockerfile does not exist',
  ])
})
