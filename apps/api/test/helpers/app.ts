import { randomBytes } from 'node:crypto'
import { REDACTED_PATHS } from '@trainplane/shared'
import { setupTestDynamoDb, type TestDynamoDb } from '@trainplane/shared/testing'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { type AppOverrides, buildApp } from '../../src/app.js'
import { type ApiConfig, loadConfig } from '../../src/config.js'
import { writeCatalog } from './catalog.js'

export interface TestApp {
  app: FastifyInstance
  config: ApiConfig
  db: TestDynamoDb
  /** Log lines the app wrote, as parsed JSON, when `captureLogs` was set. */
  logs: Record<string, unknown>[]
}

export interface TestAppOptions {
  issuer: string
  jwksUrl?: string
  clientIds: string[]
  env?: Record<string, string>
  captureLogs?: boolean
  now?: AppOverrides['now']
  /** DynamoDB clients for the app instead of the test tables' own. */
  dynamoDb?: AppOverrides['dynamoDb']
  /** CloudWatch Logs client for the app, such as one pointed at batch-local. */
  cloudWatchLogs?: AppOverrides['cloudWatchLogs']
}

/**
 * Builds the API against fresh tables on the test run's DynamoDB Local, configured through
 * `loadConfig` as the server is. The app is closed at teardown.
 */
export async function startTestApp(
  t: { teardown(fn: () => unknown): void },
  options: TestAppOptions,
): Promise<TestApp> {
  const db = await setupTestDynamoDb(t)
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: db.endpoint,
    TABLE_PREFIX: db.prefix,
    COGNITO_ISSUER: options.issuer,
    ...(options.jwksUrl && { COGNITO_JWKS_URL: options.jwksUrl }),
    COGNITO_CLIENT_IDS: options.clientIds.join(','),
    QUEUE_CATALOG_PATH: writeCatalog(t),
    CURSOR_SIGNING_KEY: randomBytes(32).toString('hex'),
    RUN_TOKEN_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: options.captureLogs ? 'info' : 'silent',
    ...options.env,
  })

  const logs: Record<string, unknown>[] = []
  const logger = options.captureLogs
    ? (pino(
        { level: 'info', redact: { paths: REDACTED_PATHS, remove: true } },
        { write: (line: string) => logs.push(JSON.parse(line)) },
      ) as unknown as FastifyBaseLogger)
    : undefined

  const app = await buildApp(config, {
    dynamoDb: options.dynamoDb ?? { client: db.client, document: db.document },
    ...(logger && { logger }),
    ...(options.now && { now: options.now }),
    ...(options.cloudWatchLogs && { cloudWatchLogs: options.cloudWatchLogs }),
  })
  t.teardown(() => app.close())
  await app.ready()
  return { app, config, db, logs }
}

/** Returns the Authorization header for a bearer token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}
