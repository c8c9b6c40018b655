import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t from 'tap'
import { assertOneProblem } from './lib/assertions.js'
import {
  type ComposeFile,
  commandOf,
  environmentOf,
  loadCompose,
  volumeMounts,
} from './lib/compose.js'
import {
  type CliProfile,
  checkCatalogVolume,
  checkCliProfile,
  checkCognitoWiring,
  checkServiceAddresses,
  checkSharedSettings,
  hostPortOf,
  listeningPorts,
} from './lib/compose-wiring.js'
import { COMPOSE_FILE, DOCKER_DIR, REPOSITORY_ROOT } from './lib/paths.js'

// The services reach each other by name inside the compose network. These checks follow every
// address, id and shared setting from the service that uses it to the service that provides it.

const profile = JSON.parse(
  readFileSync(join(DOCKER_DIR, 'compose', 'cli-profile.json'), 'utf8'),
) as CliProfile

/** Loads compose.yaml and changes or removes one environment variable of one service. */
function withVariable(service: string, name: string, value: string | undefined): ComposeFile {
  const compose = loadCompose(COMPOSE_FILE)
  const environment = compose.services[service]?.environment as Record<string, string>
  if (value === undefined) {
    delete environment[name]
  } else {
    environment[name] = value
  }
  return compose
}

async function importSource<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(REPOSITORY_ROOT, path)).href)) as T
}

t.test('compose.yaml is wired consistently', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)

  t.same(checkSharedSettings(compose), [], 'shared settings')
  t.same(checkServiceAddresses(compose), [], 'addresses')
  t.same(checkCognitoWiring(compose), [], 'issuer, keys and app client')
  t.same(checkCatalogVolume(compose), [], 'queue catalog volume')
  t.same(checkCliProfile(compose, profile), [], 'CLI profile')
})

t.test('CLI profile passes CLI checks', async (t) => {
  const { checkProfile } = await importSource<{ checkProfile: (value: unknown) => unknown[] }>(
    'apps/cli/src/config/profile.ts',
  )

  t.same(checkProfile(profile), [])
})

t.test('Lambda host command line parses', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)
  const { parseCliOptions } = await importSource<{
    parseCliOptions: (argv: string[]) => { host: string; port: number; snsPort: number }
  }>('apps/triggers/src/local/cli-options.ts')

  const options = parseCliOptions(commandOf(compose, compose.services['lambda-host'] ?? {}) ?? [])

  t.equal(options.host, '0.0.0.0', 'listens on the container network')
  t.ok(
    listeningPorts(compose, 'lambda-host').has(String(options.port)),
    'the Lambda port is published',
  )
  t.ok(
    listeningPorts(compose, 'lambda-host').has(String(options.snsPort)),
    'the SNS port is published',
  )
  t.equal(
    environmentOf(compose.services.worker ?? {}).SNS_ENDPOINT,
    `http://lambda-host:${options.snsPort}`,
  )
  t.equal(
    environmentOf(compose.services['cognito-local'] ?? {}).LAMBDA_ENDPOINT,
    `http://lambda-host:${options.port}`,
  )
})

t.test('batch-local command line parses', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)
  const service = compose.services['batch-local'] ?? {}
  const { parseCommandLine } = await importSource<{
    parseCommandLine: (argv: string[]) => {
      options: {
        host?: string
        port?: number
        stateDir?: string
        events?: { endpoint: string; functionName: string }
      }
    }
  }>('packages/batch-local/src/command-line.ts')
  const { BATCH_EVENTS_FUNCTION } = await importSource<{ BATCH_EVENTS_FUNCTION: string }>(
    'apps/triggers/src/handlers/batch-events.ts',
  )

  const { options } = parseCommandLine(commandOf(compose, service) ?? [])

  t.equal(options.host, '0.0.0.0', 'listens on the container network')
  t.equal(
    environmentOf(compose.services.worker ?? {}).BATCH_ENDPOINT,
    `http://batch-local:${options.port}`,
  )
  t.equal(
    environmentOf(compose.services.init ?? {}).BATCH_ENDPOINT,
    `http://batch-local:${options.port}`,
  )
  t.equal(options.events?.functionName, BATCH_EVENTS_FUNCTION, 'events go to batch-events')
  t.ok(
    volumeMounts(service).some((mount) => mount.target === options.stateDir),
    'the state folder is a volume',
  )
})

t.test('ports match CLI profile', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)

  t.equal(hostPortOf(compose, 'api', '3000'), '3000')
  t.equal(hostPortOf(compose, 'cognito-local', '9229'), '9229')
})

t.test('differing shared setting reported', async (t) => {
  const compose = withVariable('worker', 'TABLE_PREFIX', 'trainplane-other')

  assertOneProblem(
    t,
    checkSharedSettings(compose),
    /TABLE_PREFIX differs between services \(.*worker: "trainplane-other"\)/,
  )
})

t.test('container loopback address reported', async (t) => {
  const compose = withVariable('worker', 'BATCH_ENDPOINT', 'http://127.0.0.1:9100')

  assertOneProblem(
    t,
    checkServiceAddresses(compose),
    /worker: BATCH_ENDPOINT "http:\/\/127\.0\.0\.1:9100" names 127\.0\.0\.1, which is no service/,
  )
})

t.test('address on unserved port reported', async (t) => {
  const compose = withVariable('api', 'DYNAMODB_ENDPOINT', 'http://dynamodb:4566')

  assertOneProblem(
    t,
    checkServiceAddresses(compose),
    /api: DYNAMODB_ENDPOINT .* uses port 4566, which dynamodb does not listen on/,
  )
})

t.test('unreachable issuer reported', async (t) => {
  const compose = withVariable(
    'cognito-local',
    'COGNITO_ISSUER_DOMAIN',
    'http://cognito-local:9229',
  )

  const problems = checkServiceAddresses(compose)

  assertOneProblem(t, problems, /cognito-local: COGNITO_ISSUER_DOMAIN .* is an address of the host/)
  assertOneProblem(
    t,
    checkCognitoWiring(compose),
    /api: COGNITO_ISSUER is .* but cognito-local signs tokens for "http:\/\/cognito-local:9229\/local_trainplane"/,
  )
})

t.test('unaccepted app client reported', async (t) => {
  const compose = withVariable('api', 'COGNITO_CLIENT_IDS', 'another_client')

  assertOneProblem(
    t,
    checkCognitoWiring(compose),
    /does not list cognito-local's app client "trainplane_cli"/,
  )
})

t.test('missing JWKS URL reported', async (t) => {
  const compose = withVariable('api', 'COGNITO_JWKS_URL', undefined)

  assertOneProblem(
    t,
    checkCognitoWiring(compose),
    /COGNITO_JWKS_URL is undefined; use http:\/\/cognito-local:<port>\/local_trainplane/,
  )
})

t.test('catalog outside volume reported', async (t) => {
  const compose = withVariable('init', 'QUEUE_CATALOG_PATH', '/tmp/queue-catalog.json')

  assertOneProblem(
    t,
    checkCatalogVolume(compose),
    /init: no volume is mounted at the folder of QUEUE_CATALOG_PATH/,
  )
})

t.test('CLI profile pool mismatch reported', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)

  const problems = checkCliProfile(compose, { ...profile, userPoolId: 'local_other' })

  assertOneProblem(
    t,
    problems,
    /the CLI profile's userPoolId is "local_other"; compose\.yaml makes it "local_trainplane"/,
  )
})
