import { randomBytes } from 'node:crypto'
import { createDynamoDbClients } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import { freePort } from '@trainplane/testkit'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { writeCatalog } from './helpers/catalog.js'
import { startForgedIdentityApp } from './helpers/forged-identity.js'
import { startJwksServer } from './helpers/jwks-server.js'
import { createSigningKey } from './helpers/tokens.js'

t.test('healthz and readyz answer 200 when DynamoDB and the keys are up', async (t) => {
  const { app } = await startForgedIdentityApp(t)

  const health = await app.inject({ url: '/healthz' })
  const ready = await app.inject({ url: '/readyz' })

  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  t.equal(ready.statusCode, 200)
})

t.test('readyz is 503 naming each dependency that is down', async (t) => {
  const db = await setupTestDynamoDb(t)
  const closedPort = await freePort()
  // Nothing listens on closedPort, so both the DynamoDB endpoint and the JWKS URL fail.
  const unreachable = createDynamoDbClients({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${closedPort}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  })
  t.teardown(() => unreachable.client.destroy())
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    TABLE_PREFIX: db.prefix,
    COGNITO_ISSUER: `http://127.0.0.1:${closedPort}/pool`,
    COGNITO_CLIENT_IDS: 'cli',
    QUEUE_CATALOG_PATH: writeCatalog(t),
    CURSOR_SIGNING_KEY: randomBytes(32).toString('hex'),
    RUN_TOKEN_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
  })
  const app = await buildApp(config, { dynamoDb: unreachable })
  t.teardown(() => app.close())

  const ready = await app.inject({ url: '/readyz' })

  t.equal(ready.statusCode, 503)
  t.equal(ready.json().error.code, 'API_ERR_NOT_READY')
  t.match(ready.json().error.message, `DynamoDB table ${db.prefix}-runs is unreachable`)
  t.match(ready.json().error.message, 'the Cognito signing keys are not loaded')
  t.equal(ready.headers['retry-after'], '1')
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the process is still alive')
})

t.test('readyz retries loading the keys once per interval', async (t) => {
  const key = createSigningKey('k1')
  const jwks = await startJwksServer(t, [])
  let now = Date.now()
  const { app } = await startForgedIdentityApp(t, {
    issuer: jwks.issuer,
    env: { JWKS_REFETCH_INTERVAL_SECONDS: '60' },
    now: () => now,
  })
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 503, 'an empty key set is not ready')
  const fetches = jwks.requests()

  jwks.setKeys([key])
  const withinInterval = await app.inject({ url: '/readyz' })
  now += 61_000
  const afterInterval = await app.inject({ url: '/readyz' })

  t.equal(withinInterval.statusCode, 503, 'no refetch within the interval')
  t.equal(jwks.requests(), fetches + 1, 'one refetch after it')
  t.equal(afterInterval.statusCode, 200)
})

t.test('openapi.json describes every route and /docs serves Swagger UI', async (t) => {
  const { app } = await startForgedIdentityApp(t)

  const openapi = await app.inject({ url: '/openapi.json' })
  const docs = await app.inject({ url: '/docs/' })

  t.equal(openapi.statusCode, 200)
  const document = openapi.json()
  t.equal(document.openapi, '3.0.3')
  for (const path of [
    '/v1/runs',
    '/v1/runs/{id}',
    '/v1/runs/{id}/cancel',
    '/v1/queues',
    '/v1/me',
    '/v1/activity',
    '/healthz',
    '/readyz',
  ]) {
    t.ok(document.paths[path], `documents ${path}`)
  }
  const submit = document.paths['/v1/runs'].post
  t.same(Object.keys(submit.responses).sort(), [
    '200',
    '202',
    '400',
    '401',
    '409',
    '413',
    '415',
    '429',
    '500',
    '503',
  ])
  t.same(submit.security, [{ cognito: [] }])
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
})

t.test('responses carry security headers and CORS only for configured origins', async (t) => {
  const { app } = await startForgedIdentityApp(t, {
    env: { CORS_ORIGINS: 'https://console.example.com' },
  })
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/runs',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    })

  const health = await app.inject({ url: '/healthz' })
  const allowed = await preflight('https://console.example.com')
  const other = await preflight('https://evil.example.net')

  t.equal(health.headers['x-content-type-options'], 'nosniff')
  t.ok(health.headers['strict-transport-security'])
  t.equal(allowed.headers['access-control-allow-origin'], 'https://console.example.com')
  t.notOk(other.headers['access-control-allow-origin'])
})

t.test('rate limit applies per user', async (t) => {
  const { app, as } = await startForgedIdentityApp(t, { env: { RATE_LIMIT_PER_MINUTE: '3' } })

  const statuses: number[] = []
  for (let i = 0; i < 4; i++) {
    statuses.push((await app.inject({ url: '/v1/queues', headers: as('ada') })).statusCode)
  }
  const limited = await app.inject({ url: '/v1/queues', headers: as('ada') })
  const otherUser = await app.inject({ url: '/v1/queues', headers: as('grace') })

  t.same(statuses, [200, 200, 200, 429])
  t.equal(limited.json().error.code, 'API_ERR_RATE_LIMITED')
  t.ok(limited.headers['retry-after'])
  t.equal(otherUser.statusCode, 200, 'another user has their own budget')
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'probes are not limited')
})
