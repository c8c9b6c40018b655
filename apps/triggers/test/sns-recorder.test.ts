import { ListTopicsCommand, PublishCommand } from '@aws-sdk/client-sns'
import t from 'tap'
import { startSnsRecorder } from '../src/local/sns-recorder.js'
import { captureLogs, snsClientFor } from './fixtures/helpers.js'

const recorder = await startSnsRecorder({ logger: captureLogs().logger })
t.teardown(() => recorder.close())
const sns = snsClientFor(recorder.endpoint)
t.teardown(() => sns.destroy())
const topicArn = recorder.topicArn('trainplane-run-events')

t.beforeEach(() => recorder.clear())

t.test('records the Publish request the SDK builds', async (t) => {
  const output = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: 'Run succeeded: resnet-50 (run-1)',
      Message: 'Run run-1 ended with status SUCCEEDED.\nOwner: ada@example.com — ✓',
      MessageAttributes: {
        runId: { DataType: 'String', StringValue: 'run-1' },
        status: { DataType: 'String', StringValue: 'SUCCEEDED' },
        digest: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
      },
    }),
  )

  const [message, ...others] = recorder.messages()
  t.equal(others.length, 0)
  t.equal(output.MessageId, message?.messageId, 'the SDK reads the MessageId of the XML answer')
  t.equal(message?.topicArn, 'arn:aws:sns:us-east-1:000000000000:trainplane-run-events')
  t.equal(message?.subject, 'Run succeeded: resnet-50 (run-1)')
  t.equal(message?.message, 'Run run-1 ended with status SUCCEEDED.\nOwner: ada@example.com — ✓')
  t.same(message?.messageAttributes, {
    runId: { dataType: 'String', stringValue: 'run-1' },
    status: { dataType: 'String', stringValue: 'SUCCEEDED' },
    digest: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 3]).toString('base64') },
  })
})

t.test('serves the recorded messages over HTTP', async (t) => {
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'one' }))
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'two' }))

  const listed = (await (await fetch(`${recorder.endpoint}/messages`)).json()) as {
    messages: { message: string }[]
  }
  t.same(
    listed.messages.map((message) => message.message),
    ['one', 'two'],
  )

  const cleared = await fetch(`${recorder.endpoint}/messages`, { method: 'DELETE' })
  t.equal(cleared.status, 204)
  t.same(recorder.messages(), [])
})

t.test('rejects invalid Publish requests with SNS error codes', async (t) => {
  const cases: [string, ConstructorParameters<typeof PublishCommand>[0]][] = [
    ['subject with a line break', { TopicArn: topicArn, Subject: 'two\nlines', Message: 'm' }],
    ['subject of 100 characters', { TopicArn: topicArn, Subject: 'x'.repeat(100), Message: 'm' }],
    ['empty message', { TopicArn: topicArn, Message: '' }],
    ['message over 256 KiB', { TopicArn: topicArn, Message: 'x'.repeat(262_145) }],
    ['target ARN instead of a topic', { TargetArn: topicArn, Message: 'm' }],
    ['malformed topic ARN', { TopicArn: 'trainplane-run-events', Message: 'm' }],
  ]

  for (const [name, input] of cases) {
    await t.rejects(
      sns.send(new PublishCommand(input)),
      { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } },
      name,
    )
  }
  t.same(recorder.messages(), [], 'nothing was recorded')
})

t.test('rejects actions other than Publish', async (t) => {
  await t.rejects(sns.send(new ListTopicsCommand({})), {
    name: 'InvalidAction',
    message: /records Publish only/,
  })
})

t.test('unknown path returns 404', async (t) => {
  const response = await fetch(`${recorder.endpoint}/topics`)
  t.equal(response.status, 404)
  t.match(await response.json(), { error: /GET \/topics is not served/ })
})
