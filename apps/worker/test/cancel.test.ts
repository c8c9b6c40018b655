import { DescribeJobsCommand } from '@aws-sdk/client-batch'
import { isTerminal, type RunRecord } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t from 'tap'
import { startTestBatch, TEST_QUEUES, trainingCommand } from './helpers/batch.js'
import { waitFor } from './helpers/wait.js'
import {
  createTestWorker,
  monitorUntil,
  queueRun,
  runRepository,
  testSpec,
} from './helpers/worker.js'

t.test('cancel before start uses CancelJob', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker, notifier } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ queue: TEST_QUEUES.held.name }))
  await worker.dispatchOnce()
  const runnable = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => run.status === 'RUNNABLE',
    'RUNNABLE',
  )

  await runs.requestCancel(runnable, 'USER')
  const cancelled = await worker.cancelOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )
  const described = await batch.send(new DescribeJobsCommand({ jobs: [runnable.jobId ?? ''] }))

  t.equal(cancelled.cancelJobCalls, 1)
  t.equal(cancelled.terminateJobCalls, 0)
  t.equal(finished.status, 'CANCELLED')
  t.equal(finished.endReason, 'USER_CANCELLED')
  t.equal(described.jobs?.[0]?.status, 'FAILED')
  t.equal(described.jobs?.[0]?.statusReason, 'trainplane: cancelled by user')
  t.equal(notifier.ended.length, 1)
})

t.test('cancel after start uses TerminateJob', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ nodes: 2, command: trainingCommand('hang') }))
  await worker.dispatchOnce()
  const running = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => run.status === 'RUNNING',
    'RUNNING',
  )

  await runs.requestCancel(running, 'USER')
  const cancelled = await worker.cancelOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )

  t.equal(cancelled.terminateJobCalls, 1)
  t.equal(cancelled.cancelJobCalls, 0)
  t.equal(finished.status, 'CANCELLED')
  t.equal(finished.endReason, 'USER_CANCELLED')
  t.equal(finished.endDetail, 'cancelled by the user')
})

t.test('stop request is not repeated every cycle', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ nodes: 1, command: trainingCommand('hang') }))
  await worker.dispatchOnce()
  const running = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => run.status === 'RUNNING',
    'RUNNING',
  )
  await runs.requestCancel(running, 'USER')

  const first = await worker.cancelOnce()
  const second = await worker.cancelOnce()

  t.equal(first.terminateJobCalls, 1)
  t.equal(second.terminateJobCalls, 0)
})

t.test('job that ended first keeps its own outcome', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ nodes: 1 }))
  await worker.dispatchOnce()
  const submitted = await runs.get(queued.runId, { consistent: true })
  await waitFor('the job to succeed', async () => {
    const described = await batch.send(new DescribeJobsCommand({ jobs: [submitted?.jobId ?? ''] }))
    return described.jobs?.[0]?.status === 'SUCCEEDED' ? true : undefined
  })

  await runs.requestCancel(submitted as RunRecord, 'USER')
  const cancelled = await worker.cancelOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )

  t.equal(cancelled.cancelJobCalls + cancelled.terminateJobCalls, 0, 'nothing to stop')
  t.equal(finished.status, 'SUCCEEDED')
  t.equal(finished.endReason, 'COMPLETED')
})

// NOTE: this test failed once in eight full runs on a loaded 2-core machine (the run did not
// end CANCELLED); the cause is not yet found.
t.test('cancel during submission ends without a job', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec())
  const { worker } = await createTestWorker(t, db, batch, {
    faults: {
      at: async (point, runId) => {
        if (point !== 'beforeSubmit') return
        const claimed = await runs.get(runId, { consistent: true })
        if (claimed) await runs.requestCancel(claimed, 'USER')
      },
    },
  })

  await worker.dispatchOnce()
  const afterSubmit = await runs.get(queued.runId, { consistent: true })
  await worker.cancelOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )

  t.equal(afterSubmit?.status, 'CANCELLING', 'the job id is recorded, the cancel kept')
  t.ok(afterSubmit?.jobId, 'job id recorded')
  t.equal(finished.status, 'CANCELLED')
})
