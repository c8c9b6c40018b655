import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeJobsCommand, SubmitJobCommand } from '@aws-sdk/client-batch'
import { isTerminal } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t from 'tap'
import { startTestBatch, TEST_QUEUES, trainingCommand } from './helpers/batch.js'
import {
  createTestWorker,
  monitorUntil,
  queueRun,
  runRepository,
  testSpec,
} from './helpers/worker.js'

t.test('timeout ends the run FAILED with TIMEOUT', async (t) => {
  const db = await setupTestDynamoDb(t)
  // 60 s of job time pass in 0.6 s.
  const { batch } = await startTestBatch(t, { timeScale: 0.01 })
  const { worker, notifier } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(
    runs,
    testSpec({ nodes: 2, command: trainingCommand('hang'), timeoutSeconds: 60 }),
  )

  await worker.dispatchOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )

  t.equal(finished.status, 'FAILED')
  t.equal(finished.endReason, 'TIMEOUT')
  t.equal(finished.endDetail, 'the attempt exceeded its timeout')
  t.equal(finished.statusReason, 'Job attempt duration exceeded timeout')
  t.equal(notifier.ended.length, 1)
})

t.test('queue wait limit cancels a RUNNABLE run', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker, clock } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ queue: TEST_QUEUES.held.name }))
  await worker.dispatchOnce()
  await monitorUntil(worker, runs, queued.runId, (run) => run.status === 'RUNNABLE', 'RUNNABLE')

  const early = await worker.monitorOnce()
  clock.advance((TEST_QUEUES.held.maxRunnableSeconds + 1) * 1000)
  const late = await worker.monitorOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )
  const described = await batch.send(new DescribeJobsCommand({ jobs: [finished.jobId ?? ''] }))

  t.equal(early.queueTimeouts, 0, 'within the limit nothing happens')
  t.equal(late.queueTimeouts, 1)
  t.equal(finished.status, 'FAILED')
  t.equal(finished.endReason, 'QUEUE_TIMEOUT')
  t.equal(finished.endDetail, 'queue wait limit of 600 s reached')
  t.equal(described.jobs?.[0]?.statusReason, 'trainplane: queue wait limit of 600 s reached')
})

t.test('Batch retry moves the run to the next attempt', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const folder = mkdtempSync(join(tmpdir(), 'worker-retry-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const release = join(folder, 'release-first-attempt')

  // The worker's own rules retry only a lost host, which batch-local cannot simulate, so this
  // job is submitted directly with a rule that retries exit code 42, and then given to a run
  // the way dispatch records a submission.
  const queued = await queueRun(runs, testSpec({ nodes: 1 }))
  const script = `
    const fs = require('node:fs')
    if (process.env.AWS_BATCH_JOB_ATTEMPT !== '1') process.exit(0)
    const wait = setInterval(() => { if (fs.existsSync(${JSON.stringify(release)})) process.exit(42) }, 20)
  `
  const submitted = await batch.send(
    new SubmitJobCommand({
      jobName: `trainplane-${queued.runId}`,
      jobQueue: TEST_QUEUES.cpu.jobQueue,
      jobDefinition: TEST_QUEUES.cpu.jobDefinition,
      nodeOverrides: {
        numNodes: 1,
        nodePropertyOverrides: [
          { targetNodes: '0:', containerOverrides: { command: [process.execPath, '-e', script] } },
        ],
      },
      retryStrategy: {
        attempts: 2,
        evaluateOnExit: [
          { onExitCode: '42', action: 'RETRY' },
          { onReason: '*', action: 'EXIT' },
        ],
      },
    }),
  )
  const claimed = await runs.claimQueued(queued.runId, 'test-dispatcher', 60_000)
  await runs.recordSubmission(queued.runId, 'test-dispatcher', {
    jobId: submitted.jobId ?? '',
    jobName: submitted.jobName ?? '',
  })

  const firstAttempt = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => run.status === 'RUNNING',
    'the first attempt to run',
  )
  writeFileSync(release, '')
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )
  const secondAttempt = finished.history.filter((entry) => entry.attempt === 2)

  t.ok(claimed, 'claimed')
  t.ok(existsSync(release))
  t.equal(firstAttempt.attempt, 1)
  t.equal(finished.status, 'SUCCEEDED')
  t.equal(finished.attempt, 2)
  t.ok(secondAttempt.length >= 2, 'the second attempt has its own history')
  t.equal(secondAttempt.at(-1)?.status, 'SUCCEEDED')
})
