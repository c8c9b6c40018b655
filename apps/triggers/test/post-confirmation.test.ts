import { UserRepository } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import { freePort } from '@trainplane/testkit'
import type { PostConfirmationTriggerEvent } from 'aws-lambda'
import t from 'tap'
import {
  createPostConfirmationContainer,
  createPostConfirmationHandler,
} from '../src/handlers/post-confirmation.js'
import { captureLogs, lambdaContext, localEnvironment } from './fixtures/helpers.js'

const db = await setupTestDynamoDb(t)
const users = new UserRepository(db.document, db.tables)

function confirmation(
  sub: string | undefined,
  triggerSource = 'PostConfirmation_ConfirmSignUp',
): PostConfirmationTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_test',
    userName: 'ada',
    callerContext: { awsSdkVersion: '3', clientId: 'client' },
    triggerSource,
    request: {
      userAttributes: {
        ...(sub !== undefined && { sub }),
        email: 'ada@example.com',
        'cognito:user_status': 'CONFIRMED',
      },
    },
    response: {},
  } as PostConfirmationTriggerEvent
}

t.test('first confirmation creates the profile', async (t) => {
  const logs = captureLogs()
  const now = new Date('2026-01-02T03:04:05.000Z')
  const handler = createPostConfirmationHandler({ users, logger: logs.logger, now: () => now })
  const event = confirmation('sub-first')
  const copy = structuredClone(event)

  const result = await handler(event, lambdaContext('post-confirmation'))

  t.equal(result, event, 'returns the event it was given')
  t.same(result, copy, 'leaves the event unchanged')
  t.same(await users.get('sub-first'), {
    userId: 'sub-first',
    email: 'ada@example.com',
    createdAt: now.toISOString(),
  })
  t.ok(
    logs.lines().some((line) => line.msg === 'user profile created' && line.userId === 'sub-first'),
  )
  t.notMatch(logs.text(), 'ada@example.com', 'the email is not logged')
})

t.test('second confirmation changes nothing', async (t) => {
  const handler = createPostConfirmationHandler({ users, logger: captureLogs().logger })
  await handler(confirmation('sub-twice'), lambdaContext('post-confirmation'))
  const first = await users.get('sub-twice')

  const result = await handler(
    confirmation('sub-twice', 'PostConfirmation_ConfirmForgotPassword'),
    lambdaContext('post-confirmation'),
  )

  t.equal(result.triggerSource, 'PostConfirmation_ConfirmForgotPassword')
  t.same(await users.get('sub-twice'), first, 'the profile keeps its created time')
})

t.test('storage failure does not fail the confirmation', async (t) => {
  const closedPort = await freePort()
  const cases = {
    'missing table': localEnvironment({
      TABLE_PREFIX: 'no-such-prefix',
      DYNAMODB_ENDPOINT: db.endpoint,
    }),
    'closed port': localEnvironment({
      TABLE_PREFIX: db.prefix,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${closedPort}`,
    }),
  }

  for (const [name, env] of Object.entries(cases)) {
    const logs = captureLogs()
    const container = createPostConfirmationContainer(env, { logger: logs.logger })
    t.teardown(() => container.close())
    const event = confirmation(`sub-${name.replace(' ', '-')}`)

    const result = await container.handler(event, lambdaContext('post-confirmation'))

    t.equal(result, event, `${name}: returns the event`)
    const failure = logs.lines().find((line) => line.level === 50)
    t.equal(failure?.msg, 'profile not created; the API creates it on the first request', name)
    t.equal(failure?.userId, event.request.userAttributes.sub, `${name}: logs the user id`)
  }
})

t.test('event without a sub', async (t) => {
  const logs = captureLogs()
  const handler = createPostConfirmationHandler({ users, logger: logs.logger })
  const event = confirmation(undefined)

  const result = await handler(event, lambdaContext('post-confirmation'))

  t.equal(result, event)
  t.ok(
    logs.lines().some((line) => line.msg === 'profile not created: the event has no sub attribute'),
  )
})

t.test('unexpected trigger source still gets a profile', async (t) => {
  const logs = captureLogs()
  const handler = createPostConfirmationHandler({ users, logger: logs.logger })

  await handler(confirmation('sub-odd', 'PostAuthentication_Authentication'), lambdaContext('pc'))

  t.ok(await users.get('sub-odd'))
  t.ok(logs.lines().some((line) => line.msg === 'unexpected trigger source for post-confirmation'))
})
