import {
  BatchClient,
  DescribeJobDefinitionsCommand,
  ListJobsCommand,
  ServerException,
  SubmitJobCommand,
} from '@aws-sdk/client-batch'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import { mockClient } from 'aws-sdk-client-mock'
import t from 'tap'
import { LOCAL_CREDENTIALS, LOCAL_REGION, startTestBatch, TEST_QUEUES } from './helpers/batch.js'
import { createTestWorker, queueRun, runRepository, TestClock, testSpec } from './helpers/worker.js'

t.test('submission Batch rejects fails the run with its message', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker, notifier } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  // batch-local, like Batch, allows only letters and digits in a share identifier.
  const queued = await queueRun(runs, testSpec({ queue: TEST_QUEUES.fair.name }), {
    shareIdentifier: 'team-vision',
  })

  const summary = await worker.dispatchOnce()
  const run = await runs.get(queued.runId, { consistent: true })

  t.equal(summary.outcomes.rejected, 1)
  t.equal(run?.status, 'FAILED')
  t.equal(run?.endReason, 'SUBMISSION_REJECTED')
  t.match(run?.endDetail, /^Batch rejected the job: Invalid shareIdentifier "team-vision"/)
  t.equal(run?.jobId, undefined)
  t.equal(notifier.ended.length, 1)
})

t.test('fair-share queue passes the share identifier', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ queue: TEST_QUEUES.fair.name }), {
    shareIdentifier: 'teamvision',
  })

  await worker.dispatchOnce()
  const run = await runs.get(queued.runId, { consistent: true })
  const listed = await batch.send(
    new ListJobsCommand({
      jobQueue: TEST_QUEUES.fair.jobQueue,
      filters: [{ name: 'SHARE_IDENTIFIER', values: ['teamvision'] }],
    }),
  )

  t.equal(run?.status, 'SUBMITTED')
  t.equal(listed.jobSummaryList?.[0]?.jobId, run?.jobId)
})

t.test('runs the worker cannot submit fail with a reason', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const retired = await queueRun(runs, testSpec({ queue: 'retired' }))
  const noShare = await queueRun(runs, testSpec({ queue: TEST_QUEUES.fair.name }))
  const tooLarge = await queueRun(runs, testSpec({ nodes: 5 }))

  const summary = await worker.dispatchOnce()
  const [retiredRun, noShareRun, tooLargeRun] = await Promise.all(
    [retired, noShare, tooLarge].map((run) => runs.get(run.runId, { consistent: true })),
  )

  t.equal(summary.outcomes.rejected, 3)
  t.equal(retiredRun?.status, 'FAILED')
  t.match(retiredRun?.endDetail, /queue retired is not in the queue catalog any more/)
  t.equal(noShareRun?.endReason, 'SUBMISSION_REJECTED')
  t.match(noShareRun?.endDetail, /fair-share policy, which needs a share identifier/)
  t.match(tooLargeRun?.endDetail, /queue cpu allows at most 4 nodes; 5 requested/)
})

t.test('throttled submission keeps the run queued', async (t) => {
  // batch-local never throttles, so Batch's TooManyRequestsException comes from a mock; the
  // job definition lookup at start still goes to batch-local.
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const mocked = new BatchClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  })
  const mock = mockClient(mocked)
  t.teardown(() => mock.restore())
  mock
    .on(DescribeJobDefinitionsCommand)
    .callsFake((input) => batch.send(new DescribeJobDefinitionsCommand(input)))
  const throttled = Object.assign(new Error('Too Many Requests'), {
    name: 'TooManyRequestsException',
    $metadata: { httpStatusCode: 429 },
  })
  mock
    .on(SubmitJobCommand)
    .rejectsOnce(throttled)
    .resolves({ jobId: 'job-after-throttle', jobName: 'x' })
  const { worker } = await createTestWorker(t, db, mocked)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec())

  const first = await worker.dispatchOnce()
  const afterThrottle = await runs.get(queued.runId, { consistent: true })
  const second = await worker.dispatchOnce()
  const afterRetry = await runs.get(queued.runId, { consistent: true })

  t.equal(first.outcomes.throttled, 1)
  t.equal(afterThrottle?.status, 'QUEUED')
  t.equal(afterThrottle?.leaseOwner, undefined)
  t.equal(afterThrottle?.history.at(-1)?.reason, 'Batch throttled SubmitJob')
  t.equal(second.outcomes.submitted, 1)
  t.equal(afterRetry?.status, 'SUBMITTED')
  t.equal(afterRetry?.jobId, 'job-after-throttle')
  t.equal(mock.commandCalls(SubmitJobCommand).length, 2)
})

t.test('unknown SubmitJob outcome is reconciled after the lease', async (t) => {
  // A server error that may or may not have created the job cannot be produced by batch-local,
  // so SubmitJob fails through a mock once; ListJobs and the resubmission reach batch-local.
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const mocked = new BatchClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  })
  const mock = mockClient(mocked)
  t.teardown(() => mock.restore())
  mock
    .on(DescribeJobDefinitionsCommand)
    .callsFake((input) => batch.send(new DescribeJobDefinitionsCommand(input)))
  mock.on(ListJobsCommand).callsFake((input) => batch.send(new ListJobsCommand(input)))
  mock
    .on(SubmitJobCommand)
    .rejectsOnce(
      new ServerException({ message: 'internal error', $metadata: { httpStatusCode: 500 } }),
    )
    .callsFake((input) => batch.send(new SubmitJobCommand(input)))
  const clock = new TestClock()
  const { worker } = await createTestWorker(t, db, mocked, { clock })
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ queue: TEST_QUEUES.held.name }))

  const first = await worker.dispatchOnce()
  const afterError = await runs.get(queued.runId, { consistent: true })
  const early = await worker.reconcileOnce()
  clock.advance(61_000)
  const late = await worker.reconcileOnce()
  const recovered = await runs.get(queued.runId, { consistent: true })

  t.equal(first.outcomes.unknown, 1)
  t.equal(afterError?.status, 'SUBMITTING', 'the run keeps its lease')
  t.equal(early.claimed, 0)
  t.equal(late.outcomes['resubmit-submitted'], 1)
  t.equal(recovered?.status, 'SUBMITTED')
  t.ok(recovered?.jobId)
})
