import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { UserRepository } from '@trainplane/shared'
import { setupTestDynamoDb } from '@trainplane/shared/testing'
import { COGNITO_LOCAL_REGION, startCognitoLocal } from '@trainplane/testkit'
import t from 'tap'
import { startLambdaHost } from '../src/local/lambda-host.js'
import { startSnsRecorder } from '../src/local/sns-recorder.js'
import { captureLogs, LOCAL_CREDENTIALS, localEnvironment } from './fixtures/helpers.js'

const db = await setupTestDynamoDb(t)
const users = new UserRepository(db.document, db.tables)
const recorder = await startSnsRecorder({ logger: captureLogs().logger })
t.teardown(() => recorder.close())

function hostEnvironment(tablePrefix: string) {
  return localEnvironment({
    TABLE_PREFIX: tablePrefix,
    DYNAMODB_ENDPOINT: db.endpoint,
    SNS_ENDPOINT: recorder.endpoint,
    SNS_TOPIC_ARN: recorder.topicArn('trainplane-run-events'),
  })
}

interface StoredUser {
  Attributes?: { Name: string; Value: string }[]
  ConfirmationCode?: string
}

/**
 * Reads the code cognito-local 5.3 would have emailed from its data file
 * (`.cognito/db/<pool id>.json`, users keyed by their generated user name), because it only
 * prints codes to its console.
 */
function confirmationCode(dataDir: string, poolId: string, email: string): string {
  const file = join(dataDir, '.cognito', 'db', `${poolId}.json`)
  const data = JSON.parse(readFileSync(file, 'utf8')) as { Users?: Record<string, StoredUser> }
  const user = Object.values(data.Users ?? {}).find((candidate) =>
    candidate.Attributes?.some((item) => item.Name === 'email' && item.Value === email),
  )
  if (typeof user?.ConfirmationCode !== 'string') {
    throw new Error(`cognito-local stored no confirmation code for ${email} in ${file}`)
  }
  return user.ConfirmationCode
}

t.test('confirmed sign-up creates one profile', async (t) => {
  const logs = captureLogs()
  const host = await startLambdaHost({ env: hostEnvironment(db.prefix), logger: logs.logger })
  t.teardown(() => host.close())
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-cognito-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const cognito = await startCognitoLocal({
    dataDir,
    lambdaEndpoint: host.endpoint,
    triggers: { PostConfirmation: 'post-confirmation' },
  })
  t.teardown(() => cognito.stop())
  const client = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: COGNITO_LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  })
  t.teardown(() => client.destroy())

  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'trainplane' }))
  const poolId = pool.UserPool?.Id ?? ''
  const app = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'cli' }),
  )
  const clientId = app.UserPoolClient?.ClientId ?? ''
  const username = 'ada@example.com'
  const signUp = await client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: username,
      Password: 'Correct-horse-1',
      UserAttributes: [{ Name: 'email', Value: username }],
    }),
  )
  const sub = signUp.UserSub ?? ''

  await client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: username }))

  const profile = await users.get(sub)
  t.match(profile, { userId: sub, email: username, createdAt: String })

  await client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: username }))
  await client.send(
    new ConfirmForgotPasswordCommand({
      ClientId: clientId,
      Username: username,
      ConfirmationCode: confirmationCode(dataDir, poolId, username),
      Password: 'Correct-horse-2',
    }),
  )

  t.same(await users.get(sub), profile, 'the forgotten-password confirmation changes nothing')
  const outcomes = logs
    .lines()
    .filter((line) => line.userId === sub)
    .map((line) => [line.triggerSource, line.msg])
  t.same(outcomes, [
    ['PostConfirmation_ConfirmSignUp', 'user profile created'],
    ['PostConfirmation_ConfirmForgotPassword', 'user profile already exists'],
  ])
})

// cognito-local 5.3 logs and ignores a failed PostConfirmation trigger, where Cognito fails the
// confirmation. So this test checks the Lambda host's response for a function error instead.
t.test('storage failure does not fail the confirmation', async (t) => {
  const host = await startLambdaHost({
    env: hostEnvironment('missing-tables'),
    logger: captureLogs().logger,
  })
  t.teardown(() => host.close())
  const lambda = new LambdaClient({
    endpoint: host.endpoint,
    region: COGNITO_LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  })
  t.teardown(() => lambda.destroy())
  const event = {
    version: '0',
    region: COGNITO_LOCAL_REGION,
    userPoolId: 'us-east-1_local',
    userName: 'grace',
    callerContext: { awsSdkVersion: '2', clientId: 'client' },
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    request: { userAttributes: { sub: 'sub-grace', email: 'grace@example.com' } },
    response: {},
  }

  const output = await lambda.send(
    new InvokeCommand({
      FunctionName: 'post-confirmation',
      Payload: Buffer.from(JSON.stringify(event)),
    }),
  )

  t.equal(output.FunctionError, undefined, 'no function error, so Cognito confirms the user')
  t.same(JSON.parse(Buffer.from(output.Payload ?? []).toString('utf8')), event)
  t.equal(await users.get('sub-grace'), undefined)
})
