import { DescribeJobsCommand } from '@aws-sdk/client-batch'
import { isTerminal, verifyRunToken } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t from 'tap'
import { startTestBatch, TEST_QUEUES, trainingCommand } from './helpers/batch.js'
import {
  createTestWorker,
  monitorUntil,
  queueRun,
  RUN_TOKEN_KEY,
  runRepository,
  testSpec,
} from './helpers/worker.js'

t.test('2-node run goes from QUEUED to SUCCEEDED', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker, notifier } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ nodes: 2, command: trainingCommand('0', '0') }))

  const dispatched = await worker.dispatchOnce()
  const submitted = await runs.get(queued.runId, { consistent: true })
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )

  t.equal(dispatched.outcomes.submitted, 1)
  t.equal(submitted?.status, 'SUBMITTED')
  t.equal(submitted?.jobName, `trainplane-${queued.runId}`)
  t.equal(finished.status, 'SUCCEEDED')
  t.equal(finished.endReason, 'COMPLETED')
  t.equal(finished.batchStatus, 'SUCCEEDED')
  t.equal(finished.attempt, 1)
  t.equal(finished.exitCode, 0)
  t.ok(finished.startedAt, 'start time stored')
  t.ok(finished.stoppedAt, 'stop time stored')
  t.ok(finished.endedAt, 'end time stored')
  t.equal(finished.leaseOwner, undefined, 'no lease left behind')
  t.strictSame(Object.keys(finished.logStreams ?? {}).sort(), ['0', '1'], 'a log stream per node')
  t.strictSame(
    finished.logStreamsByAttempt?.['1'],
    finished.logStreams,
    'the streams stored under attempt 1 too',
  )
  const statuses = finished.history.map((entry) => entry.status)
  t.strictSame(statuses.slice(0, 3), ['QUEUED', 'SUBMITTING', 'SUBMITTED'])
  t.equal(finished.history.at(-1)?.status, 'SUCCEEDED')
  t.equal(notifier.ended.length, 1, 'one notification')
  t.equal(notifier.ended[0]?.runId, queued.runId)
})

t.test('job carries the run contract environment', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(
    runs,
    testSpec({ nodes: 2, queue: TEST_QUEUES.held.name, environment: { EXTRA: 'yes' } }),
  )

  await worker.dispatchOnce()
  const run = await runs.get(queued.runId, { consistent: true })
  const described = await batch.send(new DescribeJobsCommand({ jobs: [run?.jobId ?? ''] }))
  const job = described.jobs?.[0]
  const environment = Object.fromEntries(
    (job?.container?.environment ?? []).map((variable) => [variable.name, variable.value]),
  )

  t.equal(job?.nodeProperties?.numNodes, 2)
  t.equal(job?.tags?.runId, queued.runId)
  t.equal(job?.propagateTags, true)
  t.equal(job?.timeout?.attemptDurationSeconds, 600)
  t.equal(environment.RUN_ID, queued.runId)
  t.equal(environment.RUN_HYPERPARAMETERS, '{"lr":0.1}')
  t.equal(environment.RUN_GPUS_PER_NODE, '0')
  t.equal(environment.RUN_REPORT_URL, 'http://127.0.0.1:9/report')
  t.equal(environment.EXTRA, 'yes')
  t.ok(environment.MASTER_PORT, 'MASTER_PORT set')
  const claims = verifyRunToken(RUN_TOKEN_KEY, environment.RUN_TOKEN ?? '', queued.runId)
  t.equal(claims.scope, 'run:report')
  t.ok(claims.exp * 1000 > Date.now() + (600 + 600) * 1000, 'token outlives queue wait and timeout')
})

t.test('failing main node ends FAILED with its exit code', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker, notifier } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ nodes: 2, command: trainingCommand('7', '0') }))

  await worker.dispatchOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )

  t.equal(finished.status, 'FAILED')
  t.equal(finished.endReason, 'APPLICATION_ERROR')
  t.equal(finished.exitCode, 7)
  t.equal(finished.endDetail, 'the main node exited with code 7')
  t.equal(notifier.ended.length, 1)
})

t.test('dying child node is named in the end reason', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ nodes: 3, command: trainingCommand('1', '3') }))

  await worker.dispatchOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )

  t.equal(finished.status, 'FAILED')
  t.equal(finished.endReason, 'NODE_FAILED')
  t.match(finished.endDetail, /^node [12] exited with code 3$/)
  t.strictSame(Object.keys(finished.logStreams ?? {}).sort(), ['0', '1', '2'])
})

t.test('single-node run on a container queue succeeds', async (t) => {
  const db = await setupTestDynamoDb(t)
  const { batch } = await startTestBatch(t)
  const { worker } = await createTestWorker(t, db, batch)
  const runs = runRepository(db)
  const queued = await queueRun(runs, testSpec({ nodes: 1, queue: TEST_QUEUES.single.name }))

  await worker.dispatchOnce()
  const finished = await monitorUntil(
    worker,
    runs,
    queued.runId,
    (run) => isTerminal(run.status),
    'the run to end',
  )
  const described = await batch.send(new DescribeJobsCommand({ jobs: [finished.jobId ?? ''] }))

  t.equal(finished.status, 'SUCCEEDED')
  t.equal(described.jobs?.[0]?.nodeProperties, undefined, 'a plain container job')
  t.strictSame(Object.keys(finished.logStreams ?? {}), ['0'])
})
