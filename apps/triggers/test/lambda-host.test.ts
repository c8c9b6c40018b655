import { randomUUID } from 'node:crypto'
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { ConfigurationError, RunRepository, UserRepository } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import type { Context } from 'aws-lambda'
import t, { type Test } from 'tap'
import { PortInUseError } from '../src/errors.js'
import {
  type LambdaHost,
  type LambdaHostOptions,
  startLambdaHost,
} from '../src/local/lambda-host.js'
import { startSnsRecorder } from '../src/local/sns-recorder.js'
import {
  captureLogs,
  jobEvent,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localEnvironment,
  submittedRun,
} from './fixtures/helpers.js'

class TrainingDataError extends Error {
  override name = 'TrainingDataError'
}

async function startHost(
  t: Test,
  options: LambdaHostOptions,
): Promise<{ host: LambdaHost; lambda: LambdaClient }> {
  const host = await startLambdaHost({ logger: captureLogs().logger, ...options })
  t.teardown(() => host.close())
  const lambda = new LambdaClient({
    endpoint: host.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  })
  t.teardown(() => lambda.destroy())
  return { host, lambda }
}

function payloadOf(output: { Payload?: Uint8Array }): unknown {
  return JSON.parse(Buffer.from(output.Payload ?? []).toString('utf8'))
}

function invoke(lambda: LambdaClient, name: string, event: unknown, type?: 'Event' | 'DryRun') {
  return lambda.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify(event)),
      ...(type && { InvocationType: type }),
    }),
  )
}

const echo = async (event: unknown, context: Context) => ({
  event,
  functionName: context.functionName,
  requestId: context.awsRequestId,
  invokedFunctionArn: context.invokedFunctionArn,
  remainingPositive: context.getRemainingTimeInMillis() > 0,
})

t.test('returns the result of the handler', async (t) => {
  const { lambda } = await startHost(t, { functions: { echo } })

  const output = await invoke(lambda, 'echo', { hello: 'world' })

  t.equal(output.StatusCode, 200)
  t.equal(output.FunctionError, undefined)
  t.equal(output.ExecutedVersion, '$LATEST')
  t.match(payloadOf(output), {
    event: { hello: 'world' },
    functionName: 'echo',
    requestId: /^[0-9a-f-]{36}$/,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:echo',
    remainingPositive: true,
  })
})

t.test('accepts a function ARN', async (t) => {
  const { lambda } = await startHost(t, { functions: { echo } })

  const output = await invoke(lambda, 'arn:aws:lambda:us-east-1:000000000000:function:echo', {})

  t.equal(output.StatusCode, 200)
  t.match(payloadOf(output), { functionName: 'echo' })
})

t.test('thrown error becomes an Unhandled function error', async (t) => {
  const { lambda } = await startHost(t, {
    functions: {
      fails: async () => {
        throw new TrainingDataError('shard 7 is missing')
      },
    },
  })

  const output = await invoke(lambda, 'fails', {})

  t.equal(output.StatusCode, 200)
  t.equal(output.FunctionError, 'Unhandled')
  t.match(payloadOf(output), {
    errorType: 'TrainingDataError',
    errorMessage: 'shard 7 is missing',
    trace: Array,
  })
})

t.test('slow handler gets a timeout error', async (t) => {
  const { lambda } = await startHost(t, {
    timeoutMs: 50,
    functions: { hangs: () => new Promise(() => {}) },
  })

  const output = await invoke(lambda, 'hangs', {})

  t.equal(output.FunctionError, 'Unhandled')
  t.match(payloadOf(output), {
    errorType: 'Sandbox.Timedout',
    errorMessage: /Task timed out after 0\.05 seconds/,
  })
})

t.test('unknown function is ResourceNotFoundException', async (t) => {
  const { lambda } = await startHost(t, { functions: { echo } })

  await t.rejects(invoke(lambda, 'missing', {}), {
    name: 'ResourceNotFoundException',
    message: /function not found: missing; this host serves echo/,
    $metadata: { httpStatusCode: 404 },
  })
})

t.test('payload that is not JSON is InvalidRequestContentException', async (t) => {
  const { lambda } = await startHost(t, { functions: { echo } })

  await t.rejects(
    lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"open": ') })),
    { name: 'InvalidRequestContentException', $metadata: { httpStatusCode: 400 } },
  )
})

t.test('oversized Event payload is RequestTooLargeException', async (t) => {
  const { lambda } = await startHost(t, { functions: { echo } })
  const payload = { data: 'x'.repeat(1024 * 1024) }

  await t.rejects(invoke(lambda, 'echo', payload, 'Event'), {
    name: 'RequestTooLargeException',
    $metadata: { httpStatusCode: 413 },
  })
  const output = await invoke(lambda, 'echo', payload)
  t.equal(output.StatusCode, 200, 'the same payload fits a RequestResponse invocation')
})

t.test('Event invocation returns 202 and runs', async (t) => {
  let resolveSeen: (event: unknown) => void = () => {}
  const seen = new Promise((resolve) => {
    resolveSeen = resolve
  })
  const { lambda } = await startHost(t, {
    functions: {
      listener: async (event: unknown) => {
        resolveSeen(event)
      },
    },
  })

  const output = await invoke(lambda, 'listener', { n: 1 }, 'Event')

  t.equal(output.StatusCode, 202)
  t.same(await seen, { n: 1 })
})

t.test('DryRun returns 204 without running', async (t) => {
  let calls = 0
  const { lambda } = await startHost(t, {
    functions: {
      counted: async () => {
        calls++
      },
    },
  })

  const output = await invoke(lambda, 'counted', {}, 'DryRun')

  t.equal(output.StatusCode, 204)
  t.equal(calls, 0)
})

t.test('close waits for running invocations', async (t) => {
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let finished = false
  const host = await startLambdaHost({
    logger: captureLogs().logger,
    functions: {
      slow: async () => {
        await gate
        finished = true
      },
    },
  })
  const lambda = new LambdaClient({
    endpoint: host.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  })
  t.teardown(() => lambda.destroy())
  await invoke(lambda, 'slow', {}, 'Event')

  const closed = host.close()
  release()
  await closed

  t.ok(finished, 'the handler finished before close resolved')
})

t.test('logs each invocation without its payload', async (t) => {
  const logs = captureLogs()
  const { lambda } = await startHost(t, { logger: logs.logger, functions: { echo } })

  await invoke(lambda, 'echo', { password: 'payload-secret-value' })

  const finished = logs.lines().find((line) => line.msg === 'invocation finished')
  t.match(finished, {
    functionName: 'echo',
    requestId: /^[0-9a-f-]{36}$/,
    invocationType: 'RequestResponse',
    outcome: 'succeeded',
    durationMs: Number,
  })
  t.notMatch(logs.text(), 'payload-secret-value')
})

t.test('port already in use', async (t) => {
  const { host } = await startHost(t, { functions: { echo } })

  await t.rejects(startLambdaHost({ port: host.port, functions: { echo } }), PortInUseError)
  await t.rejects(startLambdaHost({ port: host.port, functions: { echo } }), {
    code: 'TRIGGERS_PORT_IN_USE',
    message: new RegExp(`127\\.0\\.0\\.1:${host.port}`),
  })
})

t.test('invalid configuration stops the start', async (t) => {
  await t.rejects(startLambdaHost({ env: {}, logger: captureLogs().logger }), ConfigurationError)
  await t.rejects(startLambdaHost({ env: { AWS_REGION: 'us-east-1' } }), {
    message: /TABLE_PREFIX is missing.*SNS_TOPIC_ARN is missing/,
  })
})

t.test('default functions run against the local counterparts', async (t) => {
  const db = await setupTestDynamoDb(t)
  const recorder = await startSnsRecorder({ logger: captureLogs().logger })
  t.teardown(() => recorder.close())
  const { host, lambda } = await startHost(t, {
    env: localEnvironment({
      TABLE_PREFIX: db.prefix,
      DYNAMODB_ENDPOINT: db.endpoint,
      SNS_ENDPOINT: recorder.endpoint,
      SNS_TOPIC_ARN: recorder.topicArn('trainplane-run-events'),
    }),
  })
  t.same(host.functionNames.sort(), ['batch-events', 'post-confirmation'])
  const runs = new RunRepository(db.document, db.tables, db.cursors)
  const run = await submittedRun(runs)
  const sub = randomUUID()

  const ended = await invoke(
    lambda,
    'batch-events',
    jobEvent({ jobId: run.jobId, status: 'SUCCEEDED', attempts: [{ exitCode: 0 }] }),
  )
  const confirmed = await invoke(lambda, 'post-confirmation', {
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    userPoolId: 'us-east-1_local',
    request: { userAttributes: { sub, email: 'grace@example.com' } },
    response: {},
  })

  t.equal(ended.FunctionError, undefined)
  t.equal((await runs.get(run.runId, { consistent: true }))?.status, 'SUCCEEDED')
  t.equal(recorder.messages().length, 1)
  t.equal(confirmed.FunctionError, undefined)
  t.match(payloadOf(confirmed), { request: { userAttributes: { sub } } })
  t.match(await new UserRepository(db.document, db.tables).get(sub), {
    userId: sub,
    email: 'grace@example.com',
  })
})
