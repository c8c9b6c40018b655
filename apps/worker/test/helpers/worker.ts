import { randomBytes } from 'node:crypto'
import type { BatchClient } from '@aws-sdk/client-batch'
import {
  CursorCodec,
  createLogger,
  type RunNotifier,
  type RunRecord,
  RunRepository,
  type RunSpec,
} from '@trainplane/shared'
import type { TestDynamoDb } from '@trainplane/shared/testing'
import type { Test } from 'tap'
import type { WorkerConfig } from '../../src/config.js'
import type { FaultHooks } from '../../src/faults.js'
import { createWorker, type Worker } from '../../src/worker.js'
import { TEST_CATALOG, TEST_QUEUES, trainingCommand } from './batch.js'
import { waitFor } from './wait.js'

/** Records the notifications the finish step sends, in place of SNS. */
export class RecordingNotifier implements RunNotifier {
  readonly ended: RunRecord[] = []

  async notifyRunEnded(run: RunRecord): Promise<void> {
    this.ended.push(run)
  }
}

/** A clock the test moves forward, for leases and queue waits that would take minutes. */
export class TestClock {
  offsetMs = 0

  readonly now = (): Date => new Date(Date.now() + this.offsetMs)

  advance(ms: number): void {
    this.offsetMs += ms
  }
}

export const RUN_TOKEN_KEY = randomBytes(32).toString('hex')

export function testConfig(db: TestDynamoDb, overrides: Partial<WorkerConfig> = {}): WorkerConfig {
  return {
    region: 'us-east-1',
    dynamoDbEndpoint: db.endpoint,
    tablePrefix: db.prefix,
    snsTopicArn: 'arn:aws:sns:us-east-1:000000000000:run-events',
    queueCatalogPath: 'test catalog',
    queueCatalog: TEST_CATALOG,
    runTokenKey: RUN_TOKEN_KEY,
    cursorSigningKey: randomBytes(32).toString('hex'),
    runReportUrl: 'http://127.0.0.1:9/report',
    workerId: 'worker-a',
    pollIntervalMs: 100,
    leaseSeconds: 60,
    submitRatePerSecond: 40,
    logLevel: 'silent',
    ...overrides,
  }
}

export interface TestWorker {
  worker: Worker
  notifier: RecordingNotifier
  clock: TestClock
}

/** Builds a worker on the test tables and Batch, stopped at teardown; its loops do not run. */
export async function createTestWorker(
  t: Test,
  db: TestDynamoDb,
  batch: BatchClient,
  options: { config?: Partial<WorkerConfig>; clock?: TestClock; faults?: FaultHooks } = {},
): Promise<TestWorker> {
  const notifier = new RecordingNotifier()
  const clock = options.clock ?? new TestClock()
  const config = testConfig(db, options.config)
  const worker = await createWorker(
    config,
    {
      batch,
      document: db.document,
      notifier,
      logger: createLogger({
        name: `worker-test-${config.workerId}`,
        level: process.env.TEST_LOG_LEVEL ?? 'silent',
      }),
    },
    { clock: clock.now, ...(options.faults && { faults: options.faults }) },
  )
  t.teardown(() => worker.stop())
  return { worker, notifier, clock }
}

/** Creates the test's own repository over the runs table, which writes runs as the API does. */
export function runRepository(db: TestDynamoDb): RunRepository {
  return new RunRepository(db.document, db.tables, new CursorCodec(randomBytes(32)))
}

/** Returns a valid run specification on the test queue `cpu`. */
export function testSpec(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    name: 'test run',
    image: 'local/trainer:1',
    command: trainingCommand('0'),
    nodes: 2,
    gpusPerNode: 0,
    queue: TEST_QUEUES.cpu.name,
    timeoutSeconds: 600,
    hyperparameters: { lr: 0.1 },
    ...overrides,
  }
}

export async function queueRun(
  runs: RunRepository,
  spec: RunSpec,
  extra: { shareIdentifier?: string } = {},
): Promise<RunRecord> {
  const { run } = await runs.create({
    userId: 'user-1',
    userEmail: 'user-1@example.com',
    spec,
    ...extra,
  })
  return run
}

/**
 * Runs monitor cycles until the run satisfies `done`, and returns it. The worker's own loops do
 * not run in these tests, so every step is visible.
 */
export async function monitorUntil(
  worker: Worker,
  runs: RunRepository,
  runId: string,
  done: (run: RunRecord) => boolean,
  description: string,
  extraStep?: () => Promise<unknown>,
): Promise<RunRecord> {
  return waitFor(
    description,
    async () => {
      await worker.monitorOnce()
      await extraStep?.()
      const run = await runs.get(runId, { consistent: true })
      return run && done(run) ? run : undefined
    },
    30_000,
    30,
  )
}
