import { SubmitJobCommand } from '@aws-sdk/client-batch'
import t from 'tap'
import { startEventReceiver } from './fixtures/event-receiver.js'
import {
  createQueue,
  nodeCommand,
  registerContainerDefinition,
  registerMultiNodeDefinition,
  startHarness,
  waitFor,
  waitForStatus,
} from './fixtures/harness.js'

t.test('events arrive in order after a failed delivery', async (t) => {
  const receiver = await startEventReceiver(t, 1)
  const { batch } = await startHarness(t, {
    events: { endpoint: receiver.endpoint, functionName: 'batch-events', retryBaseDelayMs: 10 },
  })
  await createQueue(batch, 'cpu')
  await registerContainerDefinition(batch, 'quick', nodeCommand('process.exit(0)'))

  const { jobId = '', jobArn = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'quick', jobQueue: 'cpu', jobDefinition: 'quick' }),
  )
  await waitForStatus(batch, jobId, 'SUCCEEDED')
  const events = await waitFor(
    'the SUCCEEDED event',
    async () => receiver.events,
    (received) => received.some((event) => event.detail.status === 'SUCCEEDED'),
  )

  t.same(
    events.map((event) => event.detail.status),
    ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED'],
    'one event per status after SUBMITTED, in order',
  )
  t.equal(receiver.calls[0]?.accepted, false, 'the first delivery was rejected')
  t.equal(receiver.calls[0]?.event.detail.status, 'RUNNABLE')
  t.equal(receiver.calls[1]?.event.id, receiver.calls[0]?.event.id, 'the same event is retried')
  t.ok(receiver.calls.every((call) => call.functionName === 'batch-events'))

  const [first] = events
  t.equal(first?.version, '0')
  t.equal(first?.['detail-type'], 'Batch Job State Change')
  t.equal(first?.source, 'aws.batch')
  t.equal(first?.account, '000000000000')
  t.equal(first?.region, 'us-east-1')
  t.match(first?.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  t.same(first?.resources, [jobArn])
  t.equal(first?.detail.jobId, jobId)
  t.equal(first?.detail.jobName, 'quick')
  t.equal(new Set(events.map((event) => event.id)).size, events.length, 'event ids are unique')

  const succeeded = events[events.length - 1]
  t.equal(succeeded?.detail.container?.exitCode, 0)
  t.equal(succeeded?.detail.attempts?.length, 1)
})

t.test('node events with includeNodeJobs', async (t) => {
  const receiver = await startEventReceiver(t)
  const { batch } = await startHarness(t, {
    events: { endpoint: receiver.endpoint, functionName: 'batch-events', includeNodeJobs: true },
  })
  await createQueue(batch, 'gpu')
  await registerMultiNodeDefinition(batch, 'two-nodes', nodeCommand('process.exit(0)'))

  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'two-nodes', jobQueue: 'gpu', jobDefinition: 'two-nodes' }),
  )
  await waitForStatus(batch, jobId, 'SUCCEEDED')
  const events = await waitFor(
    'the job SUCCEEDED event',
    async () => receiver.events,
    (received) =>
      received.some((event) => event.detail.jobId === jobId && event.detail.status === 'SUCCEEDED'),
  )

  const statusesOf = (id: string) =>
    events.filter((event) => event.detail.jobId === id).map((event) => event.detail.status)
  t.same(statusesOf(jobId), ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED'])
  t.same(statusesOf(`${jobId}#0`), ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED'])
  t.equal(statusesOf(`${jobId}#1`)[0], 'RUNNABLE')
  t.equal(statusesOf(`${jobId}#1`).at(-1), 'SUCCEEDED')
})
