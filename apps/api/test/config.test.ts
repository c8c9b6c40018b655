import { ConfigurationError } from '@trainplane/shared'
import t from 'tap'
import { loadConfig } from '../src/config.js'
import { writeCatalog } from './helpers/catalog.js'

function environment(
  t: { teardown(fn: () => unknown): void },
  overrides: Record<string, string | undefined> = {},
) {
  return {
    AWS_REGION: 'eu-west-1',
    TABLE_PREFIX: 'trainplane-dev',
    COGNITO_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    COGNITO_CLIENT_IDS: 'client-a, client-b',
    QUEUE_CATALOG_PATH: writeCatalog(t),
    CURSOR_SIGNING_KEY: 'k'.repeat(32),
    RUN_TOKEN_KEY: 'r'.repeat(32),
    ...overrides,
  }
}

t.test('fills defaults and derives the JWKS URL from the issuer', async (t) => {
  const config = loadConfig(environment(t))

  t.equal(config.host, '127.0.0.1')
  t.equal(config.port, 3000)
  t.equal(
    config.cognito.jwksUrl,
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json',
  )
  t.same(config.cognito.clientIds, ['client-a', 'client-b'])
  t.equal(config.cognito.acceptIdTokens, false)
  t.equal(config.cognito.clockToleranceSeconds, 5)
  t.equal(config.cognito.jwksRefetchIntervalSeconds, 60)
  t.equal(config.adminGroup, 'admins')
  t.equal(config.defaultShareIdentifier, 'default')
  t.same(config.trustedProxies, [])
  t.same(config.corsOrigins, [])
  t.equal(config.queueCatalog.queues.length, 2)
  t.notOk(config.aws.dynamoDbEndpoint)
  t.equal(config.runReportGraceSeconds, 600)
  t.equal(config.metricRetentionDays, 180)
})

t.test('parses numbers, booleans and lists', async (t) => {
  const config = loadConfig(
    environment(t, {
      PORT: '8080',
      ACCEPT_ID_TOKENS: 'true',
      COGNITO_JWKS_URL: 'http://127.0.0.1:9229/keys.json',
      TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1, ::1',
      CORS_ORIGINS: 'https://console.example.com',
    }),
  )

  t.equal(config.port, 8080)
  t.equal(config.cognito.acceptIdTokens, true)
  t.equal(config.cognito.jwksUrl, 'http://127.0.0.1:9229/keys.json')
  t.same(config.trustedProxies, ['10.0.0.0/8', '127.0.0.1', '::1'])
  t.same(config.corsOrigins, ['https://console.example.com'])
})

t.test('stops with a message naming the variable', async (t) => {
  const cases: [string, Record<string, string | undefined>, RegExp][] = [
    ['missing region', { AWS_REGION: undefined }, /^AWS_REGION is missing/],
    ['empty region', { AWS_REGION: '' }, /^AWS_REGION is missing/],
    ['port not a number', { PORT: 'http' }, /^PORT is invalid/],
    ['port out of range', { PORT: '70000' }, /^PORT is invalid/],
    ['invalid table prefix', { TABLE_PREFIX: 'bad prefix!' }, /^TABLE_PREFIX is invalid/],
    ['issuer not a URL', { COGNITO_ISSUER: 'cognito' }, /^COGNITO_ISSUER is not a valid URL/],
    [
      'issuer not http',
      { COGNITO_ISSUER: 'ftp://x/y' },
      /^COGNITO_ISSUER must be an http or https URL/,
    ],
    ['no client ids', { COGNITO_CLIENT_IDS: ' , ' }, /^COGNITO_CLIENT_IDS is empty/],
    ['short cursor key', { CURSOR_SIGNING_KEY: 'short' }, /^CURSOR_SIGNING_KEY is too short/],
    ['missing run token key', { RUN_TOKEN_KEY: undefined }, /^RUN_TOKEN_KEY is missing/],
    ['short run token key', { RUN_TOKEN_KEY: 'r'.repeat(31) }, /^RUN_TOKEN_KEY is too short/],
    [
      'grace period over a day',
      { RUN_REPORT_GRACE_SECONDS: '86401' },
      /^RUN_REPORT_GRACE_SECONDS is invalid/,
    ],
    ['unknown log level', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL is invalid: use one of fatal, error/],
    [
      'bad proxy',
      { TRUSTED_PROXIES: '10.0.0.0/40' },
      /^TRUSTED_PROXIES contains "10\.0\.0\.0\/40"/,
    ],
    ['bad origin', { CORS_ORIGINS: 'https://a.example.com/path' }, /^CORS_ORIGINS contains/],
    [
      'share id with a hyphen',
      { DEFAULT_SHARE_IDENTIFIER: 'team-a' },
      /^DEFAULT_SHARE_IDENTIFIER is invalid/,
    ],
    ['boolean typo', { ACCEPT_ID_TOKENS: 'yes please' }, /^ACCEPT_ID_TOKENS is invalid/],
    [
      'missing catalog',
      { QUEUE_CATALOG_PATH: '/nonexistent/queues.json' },
      /^QUEUE_CATALOG_PATH: cannot read/,
    ],
    [
      'keep-alive not below the socket timeout',
      { KEEP_ALIVE_TIMEOUT_MS: '130000' },
      /^KEEP_ALIVE_TIMEOUT_MS must be less/,
    ],
  ]

  for (const [name, overrides, message] of cases) {
    t.throws(
      () => loadConfig(environment(t, overrides)),
      { name: 'ConfigurationError', message },
      name,
    )
  }
})

t.test('rejects an invalid queue catalog', async (t) => {
  const path = writeCatalog(t, { queues: [{ name: 'q' }] })

  t.throws(() => loadConfig(environment(t, { QUEUE_CATALOG_PATH: path })), ConfigurationError)
  t.throws(() => loadConfig(environment(t, { QUEUE_CATALOG_PATH: path })), {
    message: /^QUEUE_CATALOG_PATH: queue catalog .* is invalid at \/queues\/0/,
  })
})
