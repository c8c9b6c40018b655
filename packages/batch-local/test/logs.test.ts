import { SubmitJobCommand } from '@aws-sdk/client-batch'
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs'
import t from 'tap'
import {
  createQueue,
  nodeCommand,
  registerContainerDefinition,
  startHarness,
  waitForStatus,
} from './fixtures/harness.js'

const LOG_GROUP = '/aws/batch/job'

t.test('log events read back with tokens', async (t) => {
  const { batch, logs } = await startHarness(t)
  await createQueue(batch, 'cpu')
  const script = `
    console.log('line 1')
    console.error('line 2')
    process.stdout.write('line 3\\nline 4\\n')
    process.stdout.write('line 5')
  `
  await registerContainerDefinition(batch, 'printer', nodeCommand(script))
  const { jobId = '' } = await batch.send(
    new SubmitJobCommand({ jobName: 'printer', jobQueue: 'cpu', jobDefinition: 'printer' }),
  )
  const job = await waitForStatus(batch, jobId, 'SUCCEEDED')
  const logStreamName = job.container?.logStreamName
  t.match(logStreamName, /^printer\/default\/[0-9a-f]{32}$/)

  const first = await logs.send(
    new GetLogEventsCommand({
      logGroupName: LOG_GROUP,
      logStreamName,
      startFromHead: true,
      limit: 2,
    }),
  )
  t.equal(first.events?.length, 2)
  t.ok(first.events?.every((event) => (event.timestamp ?? 0) > 0 && (event.ingestionTime ?? 0) > 0))

  const second = await logs.send(
    new GetLogEventsCommand({
      logGroupName: LOG_GROUP,
      logStreamName,
      startFromHead: true,
      limit: 2,
      nextToken: first.nextForwardToken,
    }),
  )
  const third = await logs.send(
    new GetLogEventsCommand({
      logGroupName: LOG_GROUP,
      logStreamName,
      startFromHead: true,
      nextToken: second.nextForwardToken,
    }),
  )
  const messages = [...(first.events ?? []), ...(second.events ?? []), ...(third.events ?? [])].map(
    (event) => event.message,
  )
  t.same(messages.slice().sort(), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5'])
  t.same(
    messages.filter((message) => message !== 'line 2'),
    ['line 1', 'line 3', 'line 4', 'line 5'],
    'stdout lines keep their order',
  )

  const atEnd = await logs.send(
    new GetLogEventsCommand({
      logGroupName: LOG_GROUP,
      logStreamName,
      startFromHead: true,
      nextToken: third.nextForwardToken,
    }),
  )
  t.same(atEnd.events, [])
  t.equal(atEnd.nextForwardToken, third.nextForwardToken, 'no new events: the same forward token')

  const backward = await logs.send(
    new GetLogEventsCommand({
      logGroupName: LOG_GROUP,
      logStreamName,
      nextToken: third.nextBackwardToken,
      limit: 10,
    }),
  )
  t.same(
    backward.events?.map((event) => event.message),
    messages.slice(0, 4),
    'the backward token reads the events before the page',
  )

  const tail = await logs.send(
    new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName, limit: 1 }),
  )
  t.same(
    tail.events?.map((event) => event.message),
    [messages[4]],
    'without a token the newest events come back',
  )

  await t.rejects(
    logs.send(
      new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName, nextToken: 'not-a-token' }),
    ),
    { name: 'InvalidParameterException' },
  )
})

t.test('unknown log stream is ResourceNotFoundException', async (t) => {
  const { logs } = await startHarness(t)

  await t.rejects(
    logs.send(
      new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: 'printer/default/0000' }),
    ),
    { name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' },
  )
  await t.rejects(
    logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/other',
        logStreamName: 'printer/default/0000',
      }),
    ),
    { name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' },
  )
})
