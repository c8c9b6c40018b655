import t from 'tap'
import { parseBatchJobEvent } from '../src/batch/batch-job-event.js'
import { InvalidBatchEventError } from '../src/errors.js'
import { jobEvent } from './fixtures/helpers.js'

t.test('keeps only the fields the status mapping reads', async (t) => {
  const event = jobEvent({
    jobId: 'job-1',
    status: 'FAILED',
    statusReason: 'Essential container in task exited',
    attempts: [{ exitCode: 2, statusReason: 'Host EC2 (instance i-1) terminated.' }],
    exitCode: 2,
    runIdTag: 'run-01hzy3v6m1k3w6q9r5t8x2c4ab',
    jobName: 'trainplane-run-1',
  })

  const parsed = parseBatchJobEvent(event)

  t.same(parsed, {
    eventId: event.id,
    jobId: 'job-1',
    jobName: 'trainplane-run-1',
    runIdTag: 'run-01hzy3v6m1k3w6q9r5t8x2c4ab',
    isNodeEvent: false,
    job: {
      jobId: 'job-1',
      status: 'FAILED',
      statusReason: 'Essential container in task exited',
      attempts: [
        {
          container: { exitCode: 2, logStreamName: 'train/default/0' },
          startedAt: 1_700_000_000_000,
          stoppedAt: 1_700_000_100_000,
          statusReason: 'Host EC2 (instance i-1) terminated.',
        },
      ],
      container: { exitCode: 2 },
      createdAt: 1_699_999_000_000,
    },
  })
  t.notMatch(JSON.stringify(parsed), 'secret-value', 'the job environment is left behind')
})

t.test('fields of the wrong type are left out', async (t) => {
  const parsed = parseBatchJobEvent({
    source: 'aws.batch',
    'detail-type': 'Batch Job State Change',
    detail: {
      jobId: 'job-2',
      status: 7,
      attempts: 'none',
      container: { exitCode: 'one' },
      startedAt: 'yesterday',
      tags: ['runId'],
    },
  })

  t.same(parsed, { jobId: 'job-2', isNodeEvent: false, job: { jobId: 'job-2', container: {} } })
})

t.test('recognises the events of one node', async (t) => {
  const byDetails = jobEvent({ jobId: 'job-3#2', status: 'RUNNING' })
  ;(byDetails.detail as Record<string, unknown>).nodeDetails = { nodeIndex: 2, isMainNode: false }

  t.match(parseBatchJobEvent(byDetails), { isNodeEvent: true, nodeIndex: 2 })
  t.match(parseBatchJobEvent(jobEvent({ jobId: 'job-3#0', status: 'RUNNING' })), {
    isNodeEvent: true,
    nodeIndex: 0,
  })
})

t.test('rejects events it cannot use', async (t) => {
  t.throws(() => parseBatchJobEvent('text'), InvalidBatchEventError)
  t.throws(() => parseBatchJobEvent({ source: 'aws.batch' }), {
    code: 'TRIGGERS_INVALID_BATCH_EVENT',
    field: 'detail-type',
  })
})
