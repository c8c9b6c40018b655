import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ResultsRepository, RunRepository } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import type { TestCognito } from './cognito.js'

/** The queue the tests submit to; images must start with `registry.example.com/`. */
export const TEST_QUEUE = {
  name: 'gpu',
  description: 'test queue',
  jobQueue: 'gpu-queue',
  jobDefinition: 'trainer-mnp',
  maxNodes: 4,
  gpusPerNode: 8,
  vcpusPerNode: 32,
  memoryMiBPerNode: 65_536,
  sharedMemoryMiB: 8192,
  spot: false,
  fairShare: false,
  maxRunnableSeconds: 3600,
  maxTimeoutSeconds: 86_400,
  pricePerGpuHour: 2.5,
  allowedImagePrefixes: ['registry.example.com/'],
}

/** The part of a Fastify instance the tests use. */
interface ListeningApp {
  listen(options: { host: string; port: number }): Promise<string>
  close(): Promise<void>
}

interface ApiModules {
  loadConfig(env: Record<string, string | undefined>): unknown
  buildApp(config: unknown, overrides: Record<string, unknown>): Promise<ListeningApp>
}

/**
 * Loads the API's app factory from its source. The path is computed, so this workspace's type
 * check does not compile the API, which another workspace owns and builds.
 */
async function loadApiModules(): Promise<ApiModules> {
  const source = new URL('../../../api/src/', import.meta.url)
  const [app, config] = await Promise.all([
    import(new URL('app.ts', source).href),
    import(new URL('config.ts', source).href),
  ])
  return { buildApp: app.buildApp, loadConfig: config.loadConfig }
}

export interface TestApi {
  url: string
  runs: RunRepository
  results: ResultsRepository
}

/**
 * Starts the real API on 127.0.0.1 with a free port, against fresh DynamoDB Local tables and
 * the test pool as its Cognito issuer. Stopped at teardown.
 */
export async function startTestApi(
  t: { teardown(fn: () => unknown): void },
  cognito: TestCognito,
  configDir: string,
  overrides: { cloudWatchLogs?: unknown } = {},
): Promise<TestApi> {
  const db = await setupTestDynamoDb(t)
  const catalogPath = join(configDir, 'queue-catalog.json')
  writeFileSync(catalogPath, JSON.stringify({ queues: [TEST_QUEUE] }))

  const { loadConfig, buildApp } = await loadApiModules()
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: db.endpoint,
    TABLE_PREFIX: db.prefix,
    COGNITO_ISSUER: cognito.issuer,
    COGNITO_CLIENT_IDS: cognito.clientId,
    QUEUE_CATALOG_PATH: catalogPath,
    CURSOR_SIGNING_KEY: randomBytes(32).toString('hex'),
    RUN_TOKEN_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
  })
  const app = await buildApp(config, {
    dynamoDb: { client: db.client, document: db.document },
    ...overrides,
  })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())

  return {
    url,
    runs: new RunRepository(db.document, db.tables, db.cursors),
    results: new ResultsRepository(db.document, db.tables, db.cursors),
  }
}

/** Moves a run the way the worker and Batch would: submitted, running, then ended. */
export async function finishRunAs(
  runs: RunRepository,
  runId: string,
  outcome: 'SUCCEEDED' | 'FAILED',
): Promise<void> {
  await runs.claimQueued(runId, 'test-worker', 60_000)
  await runs.recordSubmission(runId, 'test-worker', {
    jobId: `job-${runId}`,
    jobName: `trainplane-${runId}`,
  })
  const at = () => new Date().toISOString()
  const running = await runs.transition(
    runId,
    { status: 'SUBMITTED', attempt: 1 },
    { status: 'RUNNING', attempt: 1, at: at(), details: { startedAt: at() } },
  )
  await runs.transition(runId, running, {
    status: outcome,
    attempt: 1,
    at: at(),
    reason: outcome === 'SUCCEEDED' ? 'Essential container in task exited' : 'exit code 1',
    details:
      outcome === 'SUCCEEDED'
        ? { endReason: 'COMPLETED', exitCode: 0, endedAt: at() }
        : {
            endReason: 'APPLICATION_ERROR',
            exitCode: 1,
            endedAt: at(),
            endDetail: 'train.py exited with code 1',
          },
  })
}
