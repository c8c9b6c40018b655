import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { loadConfig } from '../src/config.js'
import { WorkerConfigError } from '../src/errors.js'
import { CATALOG } from './helpers/fixtures.js'

const RUN_TOKEN_KEY = 'k'.repeat(32)
const CURSOR_KEY = 'c'.repeat(40)

function catalogFile(t: Test, content: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'worker-config-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const path = join(folder, 'queues.json')
  writeFileSync(path, content)
  return path
}

function validEnvironment(t: Test): Record<string, string> {
  return {
    AWS_REGION: 'eu-west-1',
    TABLE_PREFIX: 'trainplane-prod',
    SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:run-events',
    QUEUE_CATALOG_PATH: catalogFile(t, JSON.stringify(CATALOG)),
    RUN_TOKEN_KEY,
    CURSOR_SIGNING_KEY: CURSOR_KEY,
    RUN_REPORT_URL: 'http://internal-api.example:8080',
  }
}

t.test('defaults fill optional settings', async (t) => {
  const config = loadConfig(validEnvironment(t))

  t.equal(config.region, 'eu-west-1')
  t.equal(config.tablePrefix, 'trainplane-prod')
  t.equal(config.queueCatalog.queues.length, 2)
  t.equal(config.pollIntervalMs, 5000)
  t.equal(config.leaseSeconds, 60)
  t.equal(config.submitRatePerSecond, 40)
  t.equal(config.logLevel, 'info')
  t.match(config.workerId, new RegExp(`-${process.pid}$`))
  t.equal(config.dynamoDbEndpoint, undefined)
  t.equal(config.batchEndpoint, undefined)
  t.equal(config.snsEndpoint, undefined)
})

t.test('endpoint overrides and tuning are read', async (t) => {
  const config = loadConfig({
    ...validEnvironment(t),
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    BATCH_ENDPOINT: 'http://127.0.0.1:8001',
    SNS_ENDPOINT: 'http://127.0.0.1:8002',
    WORKER_ID: 'worker-a',
    POLL_INTERVAL_MS: '250',
    LEASE_SECONDS: '30',
    SUBMIT_RATE_PER_SECOND: '50',
    LOG_LEVEL: 'debug',
  })

  t.equal(config.dynamoDbEndpoint, 'http://127.0.0.1:8000')
  t.equal(config.batchEndpoint, 'http://127.0.0.1:8001')
  t.equal(config.snsEndpoint, 'http://127.0.0.1:8002')
  t.equal(config.workerId, 'worker-a')
  t.equal(config.pollIntervalMs, 250)
  t.equal(config.leaseSeconds, 30)
  t.equal(config.submitRatePerSecond, 50)
  t.equal(config.logLevel, 'debug')
})

t.test('each required variable is named when missing', async (t) => {
  const required = [
    'AWS_REGION',
    'TABLE_PREFIX',
    'SNS_TOPIC_ARN',
    'QUEUE_CATALOG_PATH',
    'RUN_TOKEN_KEY',
    'CURSOR_SIGNING_KEY',
    'RUN_REPORT_URL',
  ]
  for (const name of required) {
    const env = validEnvironment(t)
    delete env[name]

    t.throws(() => loadConfig(env), { name: 'WorkerConfigError', variable: name }, name)
    t.throws(
      () => loadConfig({ ...env, [name]: '  ' }),
      { name: 'WorkerConfigError', variable: name },
      `${name} blank`,
    )
  }
})

t.test('invalid values are rejected with the variable', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['TABLE_PREFIX', 'has spaces', /TABLE_PREFIX must be 1 to 200/],
    ['RUN_REPORT_URL', 'internal-api:8080', /RUN_REPORT_URL must be an http or https URL/],
    ['RUN_REPORT_URL', 'not a url', /RUN_REPORT_URL is not a valid URL/],
    ['BATCH_ENDPOINT', 'ftp://127.0.0.1', /BATCH_ENDPOINT must be an http or https URL/],
    ['SNS_TOPIC_ARN', 'run-events', /SNS_TOPIC_ARN must be a topic ARN/],
    ['POLL_INTERVAL_MS', '5s', /POLL_INTERVAL_MS must be a whole number from 100/],
    ['LEASE_SECONDS', '5', /LEASE_SECONDS must be a whole number from 10 to 3600; got "5"/],
    ['SUBMIT_RATE_PER_SECOND', '51', /SUBMIT_RATE_PER_SECOND must be a whole number from 1 to 50/],
    ['LOG_LEVEL', 'verbose', /LOG_LEVEL must be one of/],
  ]
  for (const [name, value, message] of cases) {
    t.throws(() => loadConfig({ ...validEnvironment(t), [name]: value }), {
      variable: name,
      message,
    })
  }
})

t.test('short secret is rejected without echoing it', async (t) => {
  const secret = 'short-secret-value'
  let error: unknown
  try {
    loadConfig({ ...validEnvironment(t), RUN_TOKEN_KEY: secret })
  } catch (err) {
    error = err
  }

  t.type(error, WorkerConfigError)
  t.match((error as Error).message, /RUN_TOKEN_KEY must be at least 32 bytes long; it has 18/)
  t.notMatch((error as Error).message, secret)
})

t.test('invalid queue catalog names the variable and the field', async (t) => {
  const broken = { queues: [{ ...CATALOG.queues[0], maxNodes: 0 }] }

  t.throws(
    () =>
      loadConfig({
        ...validEnvironment(t),
        QUEUE_CATALOG_PATH: catalogFile(t, JSON.stringify(broken)),
      }),
    { variable: 'QUEUE_CATALOG_PATH', message: /is invalid at \/queues\/0\/maxNodes/ },
  )
  t.throws(() => loadConfig({ ...validEnvironment(t), QUEUE_CATALOG_PATH: catalogFile(t, '{') }), {
    variable: 'QUEUE_CATALOG_PATH',
    message: /is not valid JSON/,
  })
  t.throws(
    () => loadConfig({ ...validEnvironment(t), QUEUE_CATALOG_PATH: '/nonexistent/queues.json' }),
    { variable: 'QUEUE_CATALOG_PATH', message: /cannot read queue catalog/ },
  )
})
