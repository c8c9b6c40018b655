import { isIP } from 'node:net'
import {
  ConfigurationError,
  loadQueueCatalog,
  type QueueCatalog,
  TABLE_PREFIX_PATTERN,
} from '@trainplane/shared'
import { type Static, Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'
import { SHARE_IDENTIFIER_PATTERN } from './auth/principal.js'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * The API's environment, as strings are converted: numbers and booleans are parsed, defaults
 * filled in. Every variable is documented in docs/api.md.
 */
const EnvironmentSchema = Type.Object({
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  AWS_REGION: Type.String({ minLength: 1 }),
  DYNAMODB_ENDPOINT: Type.Optional(Type.String({ minLength: 1 })),
  LOGS_ENDPOINT: Type.Optional(Type.String({ minLength: 1 })),
  // Batch's default awslogs group (AWS Batch user guide, "Using the awslogs log driver");
  // Terraform's job definitions name their own group and set it here.
  BATCH_LOG_GROUP: Type.String({ minLength: 1, maxLength: 512, default: '/aws/batch/job' }),
  TABLE_PREFIX: Type.String({ pattern: TABLE_PREFIX_PATTERN.source }),
  COGNITO_ISSUER: Type.String({ minLength: 1 }),
  COGNITO_JWKS_URL: Type.Optional(Type.String({ minLength: 1 })),
  COGNITO_CLIENT_IDS: Type.String({ minLength: 1 }),
  ACCEPT_ID_TOKENS: Type.Boolean({ default: false }),
  JWT_CLOCK_TOLERANCE_SECONDS: Type.Integer({ minimum: 0, maximum: 300, default: 5 }),
  JWKS_REFETCH_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
  JWKS_CACHE_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 600 }),
  JWKS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  ADMIN_GROUP: Type.String({ minLength: 1, maxLength: 128, default: 'admins' }),
  DEFAULT_SHARE_IDENTIFIER: Type.String({ pattern: SHARE_IDENTIFIER_PATTERN, default: 'default' }),
  QUEUE_CATALOG_PATH: Type.String({ minLength: 1 }),
  CURSOR_SIGNING_KEY: Type.String({ minLength: 1 }),
  RUN_TOKEN_KEY: Type.String({ minLength: 1 }),
  RUN_REPORT_GRACE_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 600 }),
  METRIC_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 180 }),
  TRUSTED_PROXIES: Type.String({ default: '' }),
  CORS_ORIGINS: Type.String({ default: '' }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 300 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 10 * 1024 * 1024, default: 65_536 }),
  CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 120_000 }),
  // An ALB closes idle connections after 60 s by default, and AWS recommends a longer idle
  // timeout on the target so the ALB never reuses a connection the target just closed
  // (Elastic Load Balancing, "Edit attributes for your Application Load Balancer").
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 72_000 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info' }),
})

type Environment = Static<typeof EnvironmentSchema>

const environmentValidator = Compile(EnvironmentSchema)

/** The API's validated configuration. */
export interface ApiConfig {
  host: string
  port: number
  aws: { region: string; dynamoDbEndpoint?: string; logsEndpoint?: string }
  /** CloudWatch Logs group of the training nodes' output. */
  batchLogGroup: string
  tablePrefix: string
  cognito: {
    issuer: string
    jwksUrl: string
    clientIds: string[]
    acceptIdTokens: boolean
    clockToleranceSeconds: number
    jwksRefetchIntervalSeconds: number
    jwksCacheSeconds: number
    jwksTimeoutMs: number
  }
  adminGroup: string
  defaultShareIdentifier: string
  queueCatalogPath: string
  queueCatalog: QueueCatalog
  cursorSigningKey: string
  /** Verifies the RUN_TOKEN of training jobs; the worker signs tokens with the same key. */
  runTokenKey: string
  /** How long after a run ends its training code may still report, in seconds. */
  runReportGraceSeconds: number
  metricRetentionDays: number
  trustedProxies: string[]
  corsOrigins: string[]
  rateLimitPerMinute: number
  bodyLimitBytes: number
  timeouts: {
    connectionMs: number
    keepAliveMs: number
    requestMs: number
    shutdownGraceMs: number
  }
  logLevel: (typeof LOG_LEVELS)[number]
}

/** Both keys are HMAC-SHA256 keys (list cursors, run tokens), which want at least 32 bytes. */
const MIN_KEY_BYTES = 32

/**
 * Reads and validates the API's configuration once, at start.
 *
 * @param env - the environment, `process.env` in the server
 * @throws ConfigurationError naming the first missing or invalid variable
 */
export function loadConfig(env: Record<string, string | undefined>): ApiConfig {
  const environment = parseEnvironment(env)

  const issuer = parseHttpUrl('COGNITO_ISSUER', environment.COGNITO_ISSUER).replace(/\/+$/, '')
  const jwksUrl = environment.COGNITO_JWKS_URL
    ? parseHttpUrl('COGNITO_JWKS_URL', environment.COGNITO_JWKS_URL)
    : `${issuer}/.well-known/jwks.json`
  const dynamoDbEndpoint = environment.DYNAMODB_ENDPOINT
    ? parseHttpUrl('DYNAMODB_ENDPOINT', environment.DYNAMODB_ENDPOINT)
    : undefined
  const logsEndpoint = environment.LOGS_ENDPOINT
    ? parseHttpUrl('LOGS_ENDPOINT', environment.LOGS_ENDPOINT)
    : undefined

  const clientIds = splitList(environment.COGNITO_CLIENT_IDS)
  if (clientIds.length === 0) {
    throw new ConfigurationError(
      'COGNITO_CLIENT_IDS is empty; list the app client ids, comma-separated',
    )
  }

  for (const name of ['CURSOR_SIGNING_KEY', 'RUN_TOKEN_KEY'] as const) {
    if (Buffer.byteLength(environment[name], 'utf8') < MIN_KEY_BYTES) {
      throw new ConfigurationError(
        `${name} is too short; use at least ${MIN_KEY_BYTES} bytes of random data`,
      )
    }
  }

  if (environment.KEEP_ALIVE_TIMEOUT_MS >= environment.CONNECTION_TIMEOUT_MS) {
    throw new ConfigurationError(
      'KEEP_ALIVE_TIMEOUT_MS must be less than CONNECTION_TIMEOUT_MS, or idle keep-alive connections are cut by the socket timeout',
    )
  }

  const queueCatalog = loadCatalog(environment.QUEUE_CATALOG_PATH)

  return {
    host: environment.HOST,
    port: environment.PORT,
    aws: {
      region: environment.AWS_REGION,
      ...(dynamoDbEndpoint !== undefined && { dynamoDbEndpoint }),
      ...(logsEndpoint !== undefined && { logsEndpoint }),
    },
    tablePrefix: environment.TABLE_PREFIX,
    batchLogGroup: environment.BATCH_LOG_GROUP,
    cognito: {
      issuer,
      jwksUrl,
      clientIds,
      acceptIdTokens: environment.ACCEPT_ID_TOKENS,
      clockToleranceSeconds: environment.JWT_CLOCK_TOLERANCE_SECONDS,
      jwksRefetchIntervalSeconds: environment.JWKS_REFETCH_INTERVAL_SECONDS,
      jwksCacheSeconds: environment.JWKS_CACHE_SECONDS,
      jwksTimeoutMs: environment.JWKS_TIMEOUT_MS,
    },
    adminGroup: environment.ADMIN_GROUP,
    defaultShareIdentifier: environment.DEFAULT_SHARE_IDENTIFIER,
    queueCatalogPath: environment.QUEUE_CATALOG_PATH,
    queueCatalog,
    cursorSigningKey: environment.CURSOR_SIGNING_KEY,
    runTokenKey: environment.RUN_TOKEN_KEY,
    runReportGraceSeconds: environment.RUN_REPORT_GRACE_SECONDS,
    metricRetentionDays: environment.METRIC_RETENTION_DAYS,
    trustedProxies: parseTrustedProxies(environment.TRUSTED_PROXIES),
    corsOrigins: parseCorsOrigins(environment.CORS_ORIGINS),
    rateLimitPerMinute: environment.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: environment.BODY_LIMIT_BYTES,
    timeouts: {
      connectionMs: environment.CONNECTION_TIMEOUT_MS,
      keepAliveMs: environment.KEEP_ALIVE_TIMEOUT_MS,
      requestMs: environment.REQUEST_TIMEOUT_MS,
      shutdownGraceMs: environment.SHUTDOWN_GRACE_MS,
    },
    logLevel: environment.LOG_LEVEL,
  }
}

function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const known = Object.keys(EnvironmentSchema.properties)
  const present = Object.fromEntries(
    known
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  )

  const converted = Value.Convert(EnvironmentSchema, Value.Default(EnvironmentSchema, present))
  const first = environmentValidator.Errors(converted)[0]
  if (first) {
    const name = first.instancePath.replace(/^\//, '')
    if (name === '') {
      const missing = (first.params as { requiredProperties?: string[] }).requiredProperties ?? []
      const verb = missing.length > 1 ? 'are' : 'is'
      throw new ConfigurationError(
        `${missing.join(', ')} ${verb} missing; set ${missing.length > 1 ? 'them' : 'it'} in the environment`,
      )
    }
    const allowed = (first.params as { allowedValues?: unknown[] }).allowedValues
    const reason = allowed ? `use one of ${allowed.join(', ')}` : first.message
    throw new ConfigurationError(`${name} is invalid: ${reason}`)
  }
  return converted as Environment
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function parseHttpUrl(name: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigurationError(`${name} is not a valid URL: ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`${name} must be an http or https URL, not ${url.protocol}`)
  }
  return value
}

/** Addresses or CIDR ranges whose X-Forwarded-For Fastify trusts to find the client address. */
function parseTrustedProxies(value: string): string[] {
  const proxies = splitList(value)
  for (const proxy of proxies) {
    const [address = '', bits, ...rest] = proxy.split('/')
    const family = isIP(address)
    const maxBits = family === 6 ? 128 : 32
    const bitsValid =
      bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits && rest.length === 0)
    if (family === 0 || !bitsValid) {
      throw new ConfigurationError(
        `TRUSTED_PROXIES contains ${JSON.stringify(proxy)}, which is not an IP address or CIDR range`,
      )
    }
  }
  return proxies
}

function parseCorsOrigins(value: string): string[] {
  const origins = splitList(value)
  for (const origin of origins) {
    let parsed: URL | undefined
    try {
      parsed = new URL(origin)
    } catch {
      parsed = undefined
    }
    if (!parsed || parsed.origin !== origin) {
      throw new ConfigurationError(
        `CORS_ORIGINS contains ${JSON.stringify(origin)}, which is not an origin such as https://app.example.com`,
      )
    }
  }
  return origins
}

function loadCatalog(path: string): QueueCatalog {
  try {
    return loadQueueCatalog(path)
  } catch (err) {
    if (err instanceof ConfigurationError) {
      throw new ConfigurationError(`QUEUE_CATALOG_PATH: ${err.message}`, { cause: err })
    }
    throw err
  }
}
