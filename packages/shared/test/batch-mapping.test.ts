import t from 'tap'
import { mapBatchJob, PLATFORM_REASON_PREFIX } from '../src/status/batch-mapping.js'

t.test('Batch statuses map to platform statuses', async (t) => {
  const cases = [
    ['SUBMITTED', 'SUBMITTED'],
    ['PENDING', 'SUBMITTED'],
    ['RUNNABLE', 'RUNNABLE'],
    ['STARTING', 'STARTING'],
    ['RUNNING', 'RUNNING'],
  ] as const
  for (const [batch, platform] of cases) {
    const mapped = mapBatchJob({ status: batch })
    t.equal(mapped?.status, platform, batch)
    t.equal(mapped?.attempt, 1, `${batch} is in the first attempt`)
    t.equal(mapped?.batchStatus, batch)
  }
})

t.test('an unknown Batch status maps to nothing', async (t) => {
  t.equal(mapBatchJob({ status: 'SOMETHING_NEW' }), undefined)
  t.equal(mapBatchJob({}), undefined)
})

t.test('a retried job is in the next attempt', async (t) => {
  const mapped = mapBatchJob({
    status: 'RUNNABLE',
    attempts: [
      { container: { exitCode: 1 }, statusReason: 'Host EC2 (instance i-0abc) terminated.' },
    ],
  })
  t.equal(mapped?.status, 'RUNNABLE')
  t.equal(mapped?.attempt, 2)
})

t.test('success ends COMPLETED in the last attempt', async (t) => {
  const mapped = mapBatchJob({
    status: 'SUCCEEDED',
    attempts: [{}, { container: { exitCode: 0 } }],
  })
  t.equal(mapped?.status, 'SUCCEEDED')
  t.equal(mapped?.attempt, 2)
  t.equal(mapped?.endReason, 'COMPLETED')
})

t.test('an application exit code ends APPLICATION_ERROR', async (t) => {
  const mapped = mapBatchJob({
    status: 'FAILED',
    statusReason: 'Essential container in task exited',
    attempts: [{ container: { exitCode: 3 } }],
  })
  t.equal(mapped?.status, 'FAILED')
  t.equal(mapped?.endReason, 'APPLICATION_ERROR')
  t.equal(mapped?.exitCode, 3)
  t.match(mapped?.endDetail, /code 3/)
})

t.test('a timeout ends TIMEOUT', async (t) => {
  const mapped = mapBatchJob({
    status: 'FAILED',
    statusReason: 'Job attempt duration exceeded timeout',
  })
  t.equal(mapped?.endReason, 'TIMEOUT')
})

t.test('a lost host ends HOST_LOST', async (t) => {
  const mapped = mapBatchJob({
    status: 'FAILED',
    statusReason: 'Essential container in task exited',
    attempts: [{ statusReason: 'Host EC2 (instance i-0abc) terminated.' }],
  })
  t.equal(mapped?.endReason, 'HOST_LOST')
  t.match(mapped?.endDetail, /i-0abc/)
})

t.test('a dead child node is named', async (t) => {
  const mapped = mapBatchJob(
    { status: 'FAILED', attempts: [{ container: { exitCode: 1 } }] },
    undefined,
    [
      { nodeIndex: 0, status: 'FAILED', exitCode: 1, stoppedAt: 300 },
      { nodeIndex: 2, status: 'FAILED', exitCode: 137, stoppedAt: 200 },
      { nodeIndex: 1, status: 'FAILED', exitCode: 9, stoppedAt: 100 },
    ],
  )
  t.equal(mapped?.endReason, 'NODE_FAILED')
  t.equal(mapped?.endDetail, 'node 1 exited with code 9')
})

t.test('the platform cancel ends CANCELLED, not FAILED', async (t) => {
  const mapped = mapBatchJob(
    { status: 'FAILED', statusReason: `${PLATFORM_REASON_PREFIX} cancelled by user` },
    { kind: 'USER' },
  )
  t.equal(mapped?.status, 'CANCELLED')
  t.equal(mapped?.endReason, 'USER_CANCELLED')
})

t.test('a job that failed before the cancel took effect keeps its own reason', async (t) => {
  const mapped = mapBatchJob(
    {
      status: 'FAILED',
      statusReason: 'Essential container in task exited',
      attempts: [{ container: { exitCode: 2 } }],
    },
    { kind: 'USER' },
  )
  t.equal(mapped?.status, 'FAILED')
  t.equal(mapped?.endReason, 'APPLICATION_ERROR')
})

t.test('a job that succeeded before the cancel took effect stays SUCCEEDED', async (t) => {
  const mapped = mapBatchJob({ status: 'SUCCEEDED' }, { kind: 'USER' })
  t.equal(mapped?.status, 'SUCCEEDED')
})

t.test('the queue wait limit ends QUEUE_TIMEOUT', async (t) => {
  const mapped = mapBatchJob(
    {
      status: 'FAILED',
      statusReason: `${PLATFORM_REASON_PREFIX} queue wait limit of 600 s reached`,
    },
    { kind: 'QUEUE_TIMEOUT' },
  )
  t.equal(mapped?.status, 'FAILED')
  t.equal(mapped?.endReason, 'QUEUE_TIMEOUT')
  t.equal(mapped?.endDetail, 'queue wait limit of 600 s reached')
})

t.test('a running job with a cancel intent shows CANCELLING', async (t) => {
  const mapped = mapBatchJob({ status: 'RUNNING' }, { kind: 'USER' })
  t.equal(mapped?.status, 'CANCELLING')
})

t.test('a failure with no reason at all ends UNKNOWN', async (t) => {
  const mapped = mapBatchJob({ status: 'FAILED' })
  t.equal(mapped?.endReason, 'UNKNOWN')
})

t.test('a child stopped after the main node is not blamed', async (t) => {
  const mapped = mapBatchJob(
    { status: 'FAILED', attempts: [{ container: { exitCode: 5 } }] },
    undefined,
    [
      { nodeIndex: 0, status: 'FAILED', exitCode: 5, stoppedAt: 100 },
      { nodeIndex: 1, status: 'FAILED', exitCode: 143, stoppedAt: 150 },
    ],
  )
  t.equal(mapped?.endReason, 'APPLICATION_ERROR')
  t.equal(mapped?.endDetail, 'the main node exited with code 5')
})
