import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ListJobsCommand } from '@aws-sdk/client-batch'
import { isTerminal } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t, { type Test } from 'tap'
import { createBatchClient } from '../src/clients.js'
import { createWorker, type Worker } from '../src/worker.js'
import { LOCAL_CREDENTIALS, startTestBatch, TEST_CATALOG, TEST_QUEUES } from './helpers/batch.js'
import { waitFor } from './helpers/wait.js'
import {
  createTestWorker,
  queueRun,
  RecordingNotifier,
  RUN_TOKEN_KEY,
  runRepository,
  testConfig,
  testSpec,
} from './helpers/worker.js'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const TYPESCRIPT_LOADER = import.meta.resolve('@tapjs/typescript/import')

/** Runs src/main.ts as the service runs it, with TypeScript loaded the way tap loads tests. */
function startMain(
  t: Test,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  let output = ''
  const child = spawn(process.execPath, ['--import', TYPESCRIPT_LOADER, MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // As tap runs tests: compile without type checking, which the typecheck script does.
      TS_NODE_TRANSPILE_ONLY: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return { child, output: () => output }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

t.test('started worker carries a run to the end', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker, notifier } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec())

  worker.start()
  const finished = await waitFor('the run to end', async () => {
    const run = await runs.get(queued.runId, { consistent: true })
    return run && isTerminal(run.status) ? run : undefined
  })
  await worker.stop()

  t.equal(finished.status, 'SUCCEEDED')
  t.equal(notifier.ended.length, 1)
})

t.test('stopping worker gives back its claim', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ queue: TEST_QUEUES.held.name }))
  let worker: Worker | undefined
  let stopping: Promise<void> | undefined
  const created = await createTestWorker(t, db, batch, {
    faults: {
      at: (point) => {
        if (point === 'beforeSubmit') stopping = worker?.stop()
      },
    },
  })
  worker = created.worker

  const summary = await worker.dispatchOnce()
  await stopping
  const run = await runs.get(queued.runId, { consistent: true })
  const listed = await batch.send(
    new ListJobsCommand({
      jobQueue: TEST_QUEUES.held.jobQueue,
      filters: [{ name: 'JOB_NAME', values: [`trainplane-${queued.runId}`] }],
    }),
  )

  t.equal(summary.outcomes.released, 1)
  t.equal(run?.status, 'QUEUED')
  t.equal(run?.leaseOwner, undefined)
  t.equal(run?.history.at(-1)?.reason, 'worker stopping')
  t.equal(listed.jobSummaryList?.length, 0, 'no job was submitted')
})

t.test('retrying SubmitJob client is rejected', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batchLocal } = await startTestBatch(t)
  const retrying = createBatchClient({
    region: 'us-east-1',
    endpoint: batchLocal.endpoint,
    credentials: LOCAL_CREDENTIALS,
  })
  t.teardown(() => retrying.destroy())

  await t.rejects(
    createWorker(testConfig(db), {
      batch: retrying,
      document: db.document,
      notifier: new RecordingNotifier(),
    }),
    {
      name: 'ConfigurationError',
      message: /makes 3 attempts per call; give one with maxAttempts 1/,
    },
  )
})

t.test('missing variable stops the process naming it', async (t) => {
  const { child, output } = startMain(t, { TABLE_PREFIX: 'trainplane-test' })

  const code = await exitOf(child)

  t.equal(code, 1)
  t.match(output(), /AWS_REGION is missing; set it in the environment/)
  t.match(output(), /WORKER_CONFIG_INVALID/)
})

t.test('SIGTERM stops the service cleanly', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch, batchLocal } = await startTestBatch(t)
  const folder = mkdtempSync(join(tmpdir(), 'worker-main-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const catalogPath = join(folder, 'queues.json')
  writeFileSync(catalogPath, JSON.stringify(TEST_CATALOG))
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ queue: TEST_QUEUES.held.name }))
  t.ok(batch, 'batch-local is ready')

  const { child, output } = startMain(t, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_PREFIX: db.prefix,
    DYNAMODB_ENDPOINT: db.endpoint,
    BATCH_ENDPOINT: batchLocal.endpoint,
    SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:run-events',
    QUEUE_CATALOG_PATH: catalogPath,
    RUN_TOKEN_KEY,
    CURSOR_SIGNING_KEY: 'c'.repeat(32),
    RUN_REPORT_URL: 'http://127.0.0.1:9/report',
    WORKER_ID: 'worker-main',
    POLL_INTERVAL_MS: '100',
  })
  const submitted = await waitFor('the service to submit the run', async () => {
    const run = await runs.get(queued.runId, { consistent: true })
    return run?.jobId ? run : undefined
  })
  child.kill('SIGTERM')
  const code = await exitOf(child)

  t.ok(submitted.jobId)
  t.equal(code, 0)
  t.match(output(), /"msg":"worker started"/)
  t.match(output(), /"msg":"worker stopped"/)
  t.notMatch(output(), RUN_TOKEN_KEY, 'the key is never logged')
})
