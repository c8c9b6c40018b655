import { hostname } from 'node:os'
import {
  ConfigurationError,
  loadQueueCatalog,
  type QueueCatalog,
  TABLE_PREFIX_PATTERN,
} from '@trainplane/shared'
import { WorkerConfigError } from './errors.js'

/** The worker's settings, validated once at start. */
export interface WorkerConfig {
  region: string
  /** DynamoDB endpoint override, such as DynamoDB Local's address; unset on AWS. */
  dynamoDbEndpoint?: string
  tablePrefix: string
  /** Batch endpoint override, such as batch-local's address; unset on AWS. */
  batchEndpoint?: string
  /** SNS endpoint override, such as the local stack's loopback recorder; unset on AWS. */
  snsEndpoint?: string
  snsTopicArn: string
  /** Path the catalog was read from. */
  queueCatalogPath: string
  queueCatalog: QueueCatalog
  /** Key that signs the RUN_TOKEN given to jobs; at least 32 bytes. */
  runTokenKey: string
  /** Key that signs list cursors; at least 32 bytes. */
  cursorSigningKey: string
  /** The API's internal address that training nodes report metrics and results to. */
  runReportUrl: string
  /** Owner name written into leases; unique per replica. */
  workerId: string
  /** Pause between two cycles of each loop, in milliseconds. */
  pollIntervalMs: number
  /** How long a claim on a run lasts before another replica may take it over, in seconds. */
  leaseSeconds: number
  /** SubmitJob calls a second, summed over every replica that shares the tables. */
  submitRatePerSecond: number
  logLevel: string
}

/**
 * Batch allows 50 SubmitJob requests a second per account, a fixed quota ("Too many requests"
 * article of the AWS Knowledge Center). The default budget keeps headroom for other callers.
 */
export const BATCH_SUBMIT_QUOTA_PER_SECOND = 50
export const DEFAULT_SUBMIT_RATE_PER_SECOND = 40

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const MIN_KEY_BYTES = 32

type Environment = Record<string, string | undefined>

function read(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === '' ? undefined : value
}

function required(env: Environment, name: string): string {
  const value = read(env, name)
  if (value === undefined) {
    throw new WorkerConfigError(name, 'is missing; set it in the environment')
  }
  return value
}

function httpUrl(name: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch (err) {
    throw new WorkerConfigError(name, `is not a valid URL: ${JSON.stringify(value)}`, {
      cause: err,
    })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WorkerConfigError(name, `must be an http or https URL; got ${JSON.stringify(value)}`)
  }
  return value
}

function optionalUrl(env: Environment, name: string): string | undefined {
  const value = read(env, name)
  return value === undefined ? undefined : httpUrl(name, value)
}

function integer(
  env: Environment,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const text = read(env, name)
  if (text === undefined) {
    return fallback
  }
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
    throw new WorkerConfigError(
      name,
      `must be a whole number from ${range.min} to ${range.max}; got ${JSON.stringify(text)}`,
    )
  }
  return value
}

function secretKey(env: Environment, name: string): string {
  const value = required(env, name)
  if (Buffer.byteLength(value, 'utf8') < MIN_KEY_BYTES) {
    // The value is a secret, so the message gives its length only.
    throw new WorkerConfigError(
      name,
      `must be at least ${MIN_KEY_BYTES} bytes long; it has ${Buffer.byteLength(value, 'utf8')}`,
    )
  }
  return value
}

/**
 * Reads and validates the worker's environment, including the queue catalog file.
 *
 * @param env - the environment to read; `process.env` by default
 * @throws WorkerConfigError naming the first missing or invalid variable
 */
export function loadConfig(env: Environment = process.env): WorkerConfig {
  const region = required(env, 'AWS_REGION')
  const tablePrefix = required(env, 'TABLE_PREFIX')
  if (!TABLE_PREFIX_PATTERN.test(tablePrefix)) {
    throw new WorkerConfigError(
      'TABLE_PREFIX',
      `must be 1 to 200 letters, digits, '_', '.' or '-'; got ${JSON.stringify(tablePrefix)}`,
    )
  }

  const queueCatalogPath = required(env, 'QUEUE_CATALOG_PATH')
  let queueCatalog: QueueCatalog
  try {
    queueCatalog = loadQueueCatalog(queueCatalogPath)
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err
    throw new WorkerConfigError('QUEUE_CATALOG_PATH', `names an unusable file: ${err.message}`, {
      cause: err,
    })
  }

  const logLevel = read(env, 'LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new WorkerConfigError(
      'LOG_LEVEL',
      `must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(logLevel)}`,
    )
  }

  const snsTopicArn = required(env, 'SNS_TOPIC_ARN')
  if (!snsTopicArn.startsWith('arn:')) {
    throw new WorkerConfigError(
      'SNS_TOPIC_ARN',
      `must be a topic ARN; got ${JSON.stringify(snsTopicArn)}`,
    )
  }

  const dynamoDbEndpoint = optionalUrl(env, 'DYNAMODB_ENDPOINT')
  const batchEndpoint = optionalUrl(env, 'BATCH_ENDPOINT')
  const snsEndpoint = optionalUrl(env, 'SNS_ENDPOINT')

  return {
    region,
    ...(dynamoDbEndpoint !== undefined && { dynamoDbEndpoint }),
    tablePrefix,
    ...(batchEndpoint !== undefined && { batchEndpoint }),
    ...(snsEndpoint !== undefined && { snsEndpoint }),
    snsTopicArn,
    queueCatalogPath,
    queueCatalog,
    runTokenKey: secretKey(env, 'RUN_TOKEN_KEY'),
    cursorSigningKey: secretKey(env, 'CURSOR_SIGNING_KEY'),
    runReportUrl: httpUrl('RUN_REPORT_URL', required(env, 'RUN_REPORT_URL')),
    workerId: read(env, 'WORKER_ID') ?? `${hostname()}-${process.pid}`,
    pollIntervalMs: integer(env, 'POLL_INTERVAL_MS', 5000, { min: 100, max: 600_000 }),
    leaseSeconds: integer(env, 'LEASE_SECONDS', 60, { min: 10, max: 3600 }),
    submitRatePerSecond: integer(env, 'SUBMIT_RATE_PER_SECOND', DEFAULT_SUBMIT_RATE_PER_SECOND, {
      min: 1,
      max: BATCH_SUBMIT_QUOTA_PER_SECOND,
    }),
    logLevel,
  }
}
