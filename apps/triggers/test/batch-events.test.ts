import { randomUUID } from 'node:crypto'
import {
  CursorCodec,
  type RunRecord,
  RunRepository,
  SnsRunNotifier,
  tableNames,
} from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import t from 'tap'
import { createBatchEventsHandler } from '../src/handlers/batch-events.js'
import { startSnsRecorder } from '../src/local/sns-recorder.js'
import {
  captureLogs,
  jobEvent,
  lambdaContext,
  SPEC,
  snsClientFor,
  submittedRun,
} from './fixtures/helpers.js'

const SECRETS = ['run-token-secret-value', 'environment-secret-value']

const db = await setupTestDynamoDb(t)
const runs = new RunRepository(db.document, db.tables, db.cursors)
const recorder = await startSnsRecorder({ logger: captureLogs().logger })
t.teardown(() => recorder.close())
const sns = snsClientFor(recorder.endpoint)
t.teardown(() => sns.destroy())
const topicArn = recorder.topicArn('trainplane-run-events')

function setup() {
  const logs = captureLogs()
  const handler = createBatchEventsHandler({
    runs,
    notifier: new SnsRunNotifier(sns, topicArn),
    logger: logs.logger,
  })
  const deliver = (event: unknown) => handler(event as never, lambdaContext('batch-events'))
  return { logs, handler, deliver }
}

function publishedFor(runId: string) {
  return recorder
    .messages()
    .filter((message) => message.messageAttributes.runId?.stringValue === runId)
}

async function stored(runId: string): Promise<RunRecord> {
  const run = await runs.get(runId, { consistent: true })
  if (!run) throw new Error(`run ${runId} vanished`)
  return run
}

t.test('duplicate and reordered success events', async (t) => {
  const { deliver, logs } = setup()
  const run = await submittedRun(runs)
  const { jobId } = run

  for (const event of [
    jobEvent({ jobId, status: 'RUNNABLE' }),
    jobEvent({ jobId, status: 'RUNNING' }),
    jobEvent({ jobId, status: 'RUNNABLE' }),
    jobEvent({ jobId, status: 'SUCCEEDED', attempts: [{ exitCode: 0 }], exitCode: 0 }),
    jobEvent({ jobId, status: 'SUCCEEDED', attempts: [{ exitCode: 0 }], exitCode: 0 }),
    jobEvent({ jobId, status: 'RUNNING' }),
  ]) {
    await deliver(event)
  }

  const final = await stored(run.runId)
  t.equal(final.status, 'SUCCEEDED')
  t.equal(final.endReason, 'COMPLETED')
  t.same(
    final.history.map((entry) => entry.status),
    ['QUEUED', 'SUBMITTING', 'SUBMITTED', 'RUNNABLE', 'RUNNING', 'SUCCEEDED'],
  )
  t.type(final.notifiedAt, 'string')

  const published = publishedFor(run.runId)
  t.equal(published.length, 1, 'one Publish for the run')
  const [message] = published
  t.equal(message?.topicArn, topicArn)
  t.match(message?.subject, /^Run succeeded: resnet-50/)
  t.match(message?.message, run.runId)
  t.match(message?.message, 'Owner: ada@example.com')
  t.match(message?.message, 'Reason: COMPLETED')
  t.same(message?.messageAttributes.status, { dataType: 'String', stringValue: 'SUCCEEDED' })

  for (const secret of SECRETS) {
    t.notMatch(logs.text(), secret, 'no log line carries the job environment')
  }
})

t.test('failure that arrives before the progress events', async (t) => {
  const { deliver } = setup()
  const run = await submittedRun(runs)
  const { jobId } = run
  const failed = jobEvent({
    jobId,
    status: 'FAILED',
    statusReason: 'Essential container in task exited',
    attempts: [{ exitCode: 3 }],
    exitCode: 3,
  })

  await deliver(failed)
  await deliver(jobEvent({ jobId, status: 'RUNNING' }))
  await deliver(jobEvent({ jobId, status: 'RUNNABLE' }))
  await deliver(failed)

  const final = await stored(run.runId)
  t.equal(final.status, 'FAILED')
  t.equal(final.endReason, 'APPLICATION_ERROR')
  t.equal(final.exitCode, 3)
  const published = publishedFor(run.runId)
  t.equal(published.length, 1)
  t.match(published[0]?.message, 'Reason: APPLICATION_ERROR - the main node exited with code 3')
  t.match(published[0]?.message, 'Exit code: 3')
})

t.test('concurrent duplicates of the final event', async (t) => {
  const { deliver } = setup()
  const run = await submittedRun(runs)
  const succeeded = jobEvent({
    jobId: run.jobId,
    status: 'SUCCEEDED',
    attempts: [{ exitCode: 0 }],
  })

  await Promise.all(Array.from({ length: 6 }, () => deliver(succeeded)))

  t.equal((await stored(run.runId)).status, 'SUCCEEDED')
  t.equal(publishedFor(run.runId).length, 1, 'one Publish although six deliveries raced')
})

t.test('retry attempt moves the run forward', async (t) => {
  const { deliver } = setup()
  const run = await submittedRun(runs)
  const { jobId } = run
  const hostLost = { exitCode: 137, statusReason: 'Host EC2 (instance i-0abc) terminated.' }

  await deliver(jobEvent({ jobId, status: 'RUNNING' }))
  await deliver(jobEvent({ jobId, status: 'RUNNABLE', attempts: [hostLost] }))

  const retried = await stored(run.runId)
  t.equal(retried.status, 'RUNNABLE')
  t.equal(retried.attempt, 2)

  await deliver(jobEvent({ jobId, status: 'RUNNING' }))
  const afterLate = await stored(run.runId)
  t.equal(afterLate.status, 'RUNNABLE', 'a late event of attempt 1 changes nothing')
  t.equal(afterLate.attempt, 2)

  await deliver(jobEvent({ jobId, status: 'RUNNING', attempts: [hostLost] }))
  await deliver(jobEvent({ jobId, status: 'SUCCEEDED', attempts: [hostLost, { exitCode: 0 }] }))
  const final = await stored(run.runId)
  t.equal(final.status, 'SUCCEEDED')
  t.equal(final.attempt, 2)
  t.equal(publishedFor(run.runId).length, 1)
})

t.test('user cancel ends CANCELLED', async (t) => {
  const { deliver } = setup()
  const run = await submittedRun(runs)
  await deliver(jobEvent({ jobId: run.jobId, status: 'RUNNING' }))
  await runs.requestCancel(await stored(run.runId), 'USER')

  await deliver(jobEvent({ jobId: run.jobId, status: 'RUNNING' }))
  t.equal((await stored(run.runId)).status, 'CANCELLING', 'progress does not hide the cancel')

  await deliver(
    jobEvent({
      jobId: run.jobId,
      status: 'FAILED',
      statusReason: 'trainplane: cancelled by the user',
      attempts: [{ exitCode: 143 }],
    }),
  )
  const final = await stored(run.runId)
  t.equal(final.status, 'CANCELLED')
  t.equal(final.endReason, 'USER_CANCELLED')
  t.match(publishedFor(run.runId)[0]?.subject, /^Run cancelled:/)
})

t.test('event for an unknown job', async (t) => {
  const { deliver, logs } = setup()
  const run = await submittedRun(runs)
  const before = await stored(run.runId)
  const strangerJob = randomUUID()

  const results = [
    await deliver(jobEvent({ jobId: strangerJob, status: 'SUCCEEDED' })),
    await deliver(
      jobEvent({ jobId: strangerJob, status: 'FAILED', runIdTag: 'run-not-a-real-id' }),
    ),
  ]

  t.same(results, [undefined, undefined], 'the events are dropped without an error')
  t.same(await stored(run.runId), before, 'the run is unchanged')
  t.equal(publishedFor(run.runId).length, 0)
  const dropped = logs.lines().filter((line) => line.msg === 'event dropped: no run has this job')
  t.equal(dropped.length, 2)
  t.equal(dropped[0]?.jobId, strangerJob)
  t.notOk('detail' in (dropped[0] ?? {}), 'the event detail is not logged')
  for (const secret of SECRETS) {
    t.notMatch(logs.text(), secret)
  }
})

t.test('run tag finds a run before its job id is recorded', async (t) => {
  const { deliver } = setup()
  const { run } = await runs.create({ userId: 'user-ada', spec: SPEC })
  await runs.claimQueued(run.runId, 'worker-1', 60_000)
  const jobId = randomUUID()

  await deliver(
    jobEvent({ jobId, status: 'RUNNABLE', runIdTag: run.runId, jobName: 'trainplane-x' }),
  )

  const advanced = await stored(run.runId)
  t.equal(advanced.status, 'RUNNABLE')
  t.equal(advanced.jobId, jobId, 'the job id is stored so the monitor can follow the job')
  t.equal(advanced.jobName, 'trainplane-x')
  t.equal((await runs.findByJobId(jobId))?.runId, run.runId)
})

t.test('run tag of a run that records another job', async (t) => {
  const { deliver, logs } = setup()
  const run = await submittedRun(runs)
  const before = await stored(run.runId)

  await deliver(jobEvent({ jobId: randomUUID(), status: 'FAILED', runIdTag: run.runId }))

  t.same(await stored(run.runId), before)
  t.ok(
    logs
      .lines()
      .some((line) => line.msg === 'event dropped: the run tagged on this job records another job'),
  )
})

t.test('node events of a multi-node job are ignored', async (t) => {
  const { deliver } = setup()
  const run = await submittedRun(runs)
  const before = await stored(run.runId)
  const nodeEvent = jobEvent({
    jobId: `${run.jobId}#1`,
    status: 'FAILED',
    runIdTag: run.runId,
    attempts: [{ exitCode: 1 }],
  })
  ;(nodeEvent.detail as Record<string, unknown>).nodeDetails = { nodeIndex: 1, isMainNode: false }

  await deliver(nodeEvent)

  t.same(await stored(run.runId), before)
})

t.test('malformed events are dropped', async (t) => {
  const { deliver, logs } = setup()
  const cases: [string, unknown][] = [
    ['null event', null],
    ['another source', { ...jobEvent({ jobId: 'j', status: 'RUNNING' }), source: 'aws.ec2' }],
    [
      'another detail type',
      { ...jobEvent({ jobId: 'j', status: 'RUNNING' }), 'detail-type': 'Batch Job Queue Blocked' },
    ],
    ['no detail', { source: 'aws.batch', 'detail-type': 'Batch Job State Change' }],
    [
      'no job id',
      {
        source: 'aws.batch',
        'detail-type': 'Batch Job State Change',
        detail: { status: 'FAILED' },
      },
    ],
  ]

  for (const [name, event] of cases) {
    t.equal(await deliver(event), undefined, `${name} does not throw`)
  }

  const dropped = logs.lines().filter((line) => line.code === 'TRIGGERS_INVALID_BATCH_EVENT')
  t.same(
    dropped.map((line) => line.field),
    ['event', 'source', 'detail-type', 'detail', 'detail.jobId'],
  )
})

t.test('storage errors reach Lambda for a retry', async (t) => {
  const missingTables = new RunRepository(
    db.document,
    tableNames(`missing-${randomUUID().slice(0, 8)}`),
    new CursorCodec(Buffer.alloc(32, 1)),
  )
  const handler = createBatchEventsHandler({
    runs: missingTables,
    notifier: new SnsRunNotifier(sns, topicArn),
    logger: captureLogs().logger,
  })

  await t.rejects(
    handler(jobEvent({ jobId: randomUUID(), status: 'RUNNING' }) as never, lambdaContext('b')),
    { name: 'ResourceNotFoundException' },
  )
})
