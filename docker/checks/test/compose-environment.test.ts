import { join } from 'node:path'
import t from 'tap'
import { assertOneProblem } from './lib/assertions.js'
import { type ComposeFile, environmentOf, loadCompose } from './lib/compose.js'
import { checkEnvironment, importLoader, probeVariables } from './lib/config-variables.js'
import { COMPOSE_FILE, FIXTURES_DIR, REPOSITORY_ROOT } from './lib/paths.js'
import { expectationFor, sampleEnvironment, writeCatalogFile } from './lib/service-configs.js'

// Each service's environment is compared with the configuration loader of the program it runs
// (the same loader the program calls at start): what the loader requires is set, what is set
// is read, and the loader accepts the values.

const catalogPath = writeCatalogFile(t.testdir())
const samples = sampleEnvironment(catalogPath)

async function check(compose: ComposeFile, service: string): Promise<string[]> {
  const definition = compose.services[service]
  const expectation = await expectationFor(service, catalogPath)
  if (!definition || !expectation) {
    return [
      `${service}: no configuration loader is registered for this service in lib/service-configs.ts`,
    ]
  }
  const problems = checkEnvironment(service, environmentOf(definition), expectation, samples)
  if (definition.env_file !== undefined) {
    problems.push(
      `${service}: env_file hides variables from this check; list them under environment`,
    )
  }
  return problems
}

function fixture(name: string): ComposeFile {
  return loadCompose(join(FIXTURES_DIR, 'compose', name))
}

const compose = loadCompose(COMPOSE_FILE)
for (const service of Object.keys(compose.services)) {
  t.test(`${service} environment matches its config schema`, async (t) => {
    t.same(await check(compose, service), [])
  })
}

t.test('probing finds API required variables', async (t) => {
  const loader = await importLoader(REPOSITORY_ROOT, 'apps/api/src/config.ts', 'loadConfig')

  const variables = probeVariables(loader, samples)

  t.same([...variables.required].sort(), [
    'AWS_REGION',
    'COGNITO_CLIENT_IDS',
    'COGNITO_ISSUER',
    'CURSOR_SIGNING_KEY',
    'QUEUE_CATALOG_PATH',
    'RUN_TOKEN_KEY',
    'TABLE_PREFIX',
  ])
  t.ok(variables.read.has('COGNITO_JWKS_URL'), 'optional variables are read too')
})

t.test('missing required variable is reported', async (t) => {
  const problems = await check(fixture('api-missing-variable.yaml'), 'api')

  assertOneProblem(
    t,
    problems,
    /^api: COGNITO_CLIENT_IDS is required by loadConfig \(apps\/api\/src\/config\.ts\) but the service does not set it$/,
  )
})

t.test('misspelt variable reported twice', async (t) => {
  const problems = await check(fixture('worker-misnamed-variable.yaml'), 'worker')

  t.same(problems, [
    'worker: RUN_REPORT_URL is required by loadConfig (apps/worker/src/config.ts) but the service does not set it',
    'worker: RUN_REPORT_URI is set but loadConfig (apps/worker/src/config.ts) does not read it; remove it or fix its name',
  ])
})

t.test('value the schema rejects is reported', async (t) => {
  const problems = await check(fixture('api-invalid-value.yaml'), 'api')

  assertOneProblem(
    t,
    problems,
    /api: loadConfig \(apps\/api\/src\/config\.ts\) rejects the service's environment: CURSOR_SIGNING_KEY is too short/,
  )
})

t.test('variable for batch-local reported', async (t) => {
  const problems = await check(fixture('batch-local-with-environment.yaml'), 'batch-local')

  assertOneProblem(
    t,
    problems,
    /batch-local: BATCH_PORT is set but the service, which takes no configuration from its environment, does not read it/,
  )
})

t.test('unregistered service reported', async (t) => {
  const problems = await check(fixture('depends-on-started.yaml'), 'database')

  assertOneProblem(t, problems, /database: no configuration loader is registered/)
})

t.test('Lambda host supplies SNS settings', async (t) => {
  const lambdaHost = structuredClone(compose.services['lambda-host'])
  const environment = lambdaHost?.environment as Record<string, string>
  delete environment.SNS_TOPIC_ARN

  const problems = await check(
    { ...compose, services: { 'lambda-host': lambdaHost ?? {} } },
    'lambda-host',
  )

  t.same(problems, [])
})
