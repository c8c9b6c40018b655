import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  BatchClient,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-batch'
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { startBatchLocal } from '@trainplane/batch-local'
import {
  createDynamoDbClients,
  createLogger,
  loadQueueCatalog,
  tableNames,
  UserRepository,
} from '@trainplane/shared'
import { freePort, startDynamoDbLocal } from '@trainplane/testkit'
import { startLambdaHost, startSnsRecorder } from '@trainplane/triggers/local'
import t, { type Test } from 'tap'
import {
  CAPACITY_TAG,
  LOCAL_JOB_DEFINITION,
  LOCAL_JOB_QUEUE,
  LOCAL_QUEUE_CAPACITY,
  localQueueCatalog,
  TRAINER_COMMAND,
  TRAINER_ENVIRONMENT,
} from '../../compose/local-queue.mjs'
import { DEMO_EMAIL, DEMO_GROUP, DEMO_USER_FILE } from '../../compose/provision-cognito.mjs'
import { DOCKER_DIR, REPOSITORY_ROOT } from './lib/paths.js'

// The compose stack's init job and cognito-local start script, run as processes against the
// real local counterparts that `npm start` uses, on 127.0.0.1 and free ports. No Docker engine
// runs here, so this is how the one-shot job is shown to prepare the stack, and to keep what it
// made when it runs again.

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const REGION = 'us-east-1'
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }
const USER_POOL_ID = 'local_checks'
const CLIENT_ID = 'checks_cli'
const TABLE_PREFIX = 'compose-init-checks'
const SILENT = createLogger({ name: 'compose-init-test', level: 'silent' })

const BASE_ENVIRONMENT = {
  PATH: process.env.PATH ?? '',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  LOG_LEVEL: 'warn',
}

/** Runs a compose script to its end and returns its exit code and output. */
function runScript(
  name: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(DOCKER_DIR, 'compose', name)],
      { env, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr })
      },
    )
  })
}

/** Signs the demo user in with USER_PASSWORD_AUTH and returns the access token's claims. */
async function signIn(
  cognito: CognitoIdentityProviderClient,
  password: string,
): Promise<Record<string, unknown>> {
  const result = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: DEMO_EMAIL, PASSWORD: password },
    }),
  )
  const payload = result.AuthenticationResult?.AccessToken?.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
}

/** Polls a URL until it returns 200, failing when the process behind it exits first. */
async function waitForHealth(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`cognito-local exited with code ${child.exitCode}:\n${output()}`)
    }
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`cognito-local did not respond on ${url} within 30 s:\n${output()}`)
}

/** Starts docker/compose/cognito-local.mjs in a fresh folder, as the cognito-local image does. */
async function startCognito(t: Test, dataDir: string, lambdaEndpoint: string) {
  const port = await freePort()
  mkdirSync(dataDir, { recursive: true })
  const issuerDomain = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [join(DOCKER_DIR, 'compose', 'cognito-local.mjs')], {
    cwd: dataDir,
    env: {
      ...BASE_ENVIRONMENT,
      HOST: '127.0.0.1',
      PORT: String(port),
      AWS_REGION: REGION,
      COGNITO_ISSUER_DOMAIN: issuerDomain,
      COGNITO_USER_POOL_ID: USER_POOL_ID,
      COGNITO_CLIENT_ID: CLIENT_ID,
      LAMBDA_ENDPOINT: lambdaEndpoint,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  )

  await waitForHealth(`${issuerDomain}/health`, child, () => output)
  return { endpoint: issuerDomain, issuerDomain, dataDir }
}

/** Starts every counterpart the init job talks to, each stopped at the end of the test. */
async function startCounterparts(t: Test, root: string) {
  const dynamodb = await startDynamoDbLocal()
  t.teardown(() => dynamodb.stop())

  const sns = await startSnsRecorder({ port: 0, region: REGION, logger: SILENT })
  t.teardown(() => sns.close())
  const lambda = await startLambdaHost({
    port: 0,
    logger: SILENT,
    env: {
      ...BASE_ENVIRONMENT,
      AWS_REGION: REGION,
      TABLE_PREFIX,
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      SNS_ENDPOINT: sns.endpoint,
      SNS_TOPIC_ARN: sns.topicArn('trainplane-run-events'),
    },
  })
  t.teardown(() => lambda.close())

  const cognito = await startCognito(t, join(root, 'cognito'), lambda.endpoint)
  const batch = await startBatchLocal({ port: 0, logger: SILENT })
  t.teardown(() => batch.close())
  return { dynamodb, cognito, batch }
}

t.test('init job against the local counterparts', async (t) => {
  const root = t.testdir()
  const { dynamodb, cognito, batch } = await startCounterparts(t, root)
  const stateDir = join(root, 'init-state')
  const catalogPath = join(root, 'config', 'queue-catalog.json')
  const env = {
    ...BASE_ENVIRONMENT,
    AWS_REGION: REGION,
    TABLE_PREFIX,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    COGNITO_ENDPOINT: cognito.endpoint,
    COGNITO_USER_POOL_ID: USER_POOL_ID,
    COGNITO_CLIENT_ID: CLIENT_ID,
    BATCH_ENDPOINT: batch.endpoint,
    QUEUE_CATALOG_PATH: catalogPath,
    INIT_STATE_DIR: stateDir,
  }
  const cognitoClient = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
  })
  const batchClient = new BatchClient({
    endpoint: batch.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
  })
  const { client: dynamoDbClient, document } = createDynamoDbClients({
    region: REGION,
    endpoint: dynamodb.endpoint,
    credentials: CREDENTIALS,
  })
  t.teardown(() => {
    cognitoClient.destroy()
    batchClient.destroy()
    dynamoDbClient.destroy()
  })
  const statePath = join(stateDir, DEMO_USER_FILE)

  await t.test('first run prepares the stack', async (t) => {
    const first = await runScript('init.mjs', env)

    t.equal(first.code, 0, first.stderr)
    t.match(first.stdout, `Demo user: ${DEMO_EMAIL} / `)

    const tables = await dynamoDbClient.send(new ListTablesCommand({}))
    t.same(
      (tables.TableNames ?? []).filter((name) => name.startsWith(`${TABLE_PREFIX}-`)).sort(),
      Object.values(tableNames(TABLE_PREFIX)).sort(),
      'the four tables exist',
    )

    const demo = JSON.parse(readFileSync(statePath, 'utf8')) as { email: string; password: string }
    t.equal(
      statSync(statePath).mode & 0o777,
      0o600,
      'the saved password is readable by its owner only',
    )
    t.match(first.stdout, `${demo.email} / ${demo.password}`)

    const claims = await signIn(cognitoClient, demo.password)
    t.equal(
      claims.iss,
      `${cognito.issuerDomain}/${USER_POOL_ID}`,
      'tokens name the seeded pool under the issuer domain',
    )
    t.equal(claims.client_id, CLIENT_ID)
    t.same(claims['cognito:groups'], [DEMO_GROUP])

    const profile = await new UserRepository(document, tableNames(TABLE_PREFIX)).get(
      String(claims.sub),
    )
    t.equal(
      profile?.email,
      DEMO_EMAIL,
      'the post-confirmation trigger wrote the user through the Lambda host',
    )

    const definitions = await batchClient.send(
      new DescribeJobDefinitionsCommand({
        jobDefinitionName: LOCAL_JOB_DEFINITION,
        status: 'ACTIVE',
      }),
    )
    const container =
      definitions.jobDefinitions?.[0]?.nodeProperties?.nodeRangeProperties?.[0]?.container
    t.equal(definitions.jobDefinitions?.length, 1)
    t.same(container?.command, TRAINER_COMMAND)
    t.same(
      container?.environment,
      Object.entries(TRAINER_ENVIRONMENT).map(([name, value]) => ({ name, value })),
    )

    const queues = await batchClient.send(
      new DescribeJobQueuesCommand({ jobQueues: [LOCAL_JOB_QUEUE] }),
    )
    const queueArn = queues.jobQueues?.[0]?.jobQueueArn ?? ''
    const tags = await batchClient.send(new ListTagsForResourceCommand({ resourceArn: queueArn }))
    t.equal(tags.tags?.[CAPACITY_TAG], String(LOCAL_QUEUE_CAPACITY))

    t.same(loadQueueCatalog(catalogPath), localQueueCatalog(), 'the catalog the apps load')
    t.equal(statSync(catalogPath).mode & 0o777, 0o644)
  })

  await t.test('second run keeps the stack', async (t) => {
    const demo = JSON.parse(readFileSync(statePath, 'utf8')) as { email: string; password: string }

    const second = await runScript('init.mjs', env)

    t.equal(second.code, 0, second.stderr)
    t.same(JSON.parse(readFileSync(statePath, 'utf8')), demo, 'the demo password stays')
    // cognito-local's AdminListGroupsForUser compares the members with the name as given, not
    // with the user's generated username, so the membership is read from a new token.
    const claims = await signIn(cognitoClient, demo.password)
    t.same(claims['cognito:groups'], [DEMO_GROUP], 'the group keeps its member')
    const definitions = await batchClient.send(
      new DescribeJobDefinitionsCommand({ jobDefinitionName: LOCAL_JOB_DEFINITION }),
    )
    t.equal(definitions.jobDefinitions?.length, 1, 'no second revision is registered')
  })

  await t.test('lost password is replaced', async (t) => {
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { password: string }
    const newStateDir = join(root, 'new-state')

    const rerun = await runScript('init.mjs', { ...env, INIT_STATE_DIR: newStateDir })

    t.equal(rerun.code, 0, rerun.stderr)
    const replaced = JSON.parse(readFileSync(join(newStateDir, DEMO_USER_FILE), 'utf8')) as {
      password: string
    }
    t.not(replaced.password, saved.password)
    const claims = await signIn(cognitoClient, replaced.password)
    t.equal(claims.client_id, CLIENT_ID, 'the new password signs in')
  })
})

t.test('init job names missing settings', async (t) => {
  const result = await runScript('init.mjs', { ...BASE_ENVIRONMENT, AWS_REGION: REGION })

  t.equal(result.code, 1)
  t.match(
    result.stderr,
    /init: invalid configuration: TABLE_PREFIX is missing; set it to a value such as trainplane-local/,
  )
  t.match(result.stderr, /INIT_STATE_DIR is missing/)
})

t.test('cognito-local script names missing settings', async (t) => {
  const result = await runScript('cognito-local.mjs', { ...BASE_ENVIRONMENT, AWS_REGION: REGION })

  t.equal(result.code, 1)
  t.match(result.stderr, /cognito-local: invalid configuration: COGNITO_ISSUER_DOMAIN is missing/)
})

// npm start provisions the same queue; when its source is present, the two must agree.
const localStackSetup = join(REPOSITORY_ROOT, 'packages/local-stack/src/batch-setup.ts')
t.test(
  'queue matches npm start',
  {
    skip: existsSync(localStackSetup)
      ? false
      : 'packages/local-stack/src/batch-setup.ts does not exist',
  },
  async (t) => {
    const npmStart = (await import(pathToFileURL(localStackSetup).href)) as {
      localQueueCatalog: () => unknown
      LOCAL_JOB_QUEUE: string
      LOCAL_JOB_DEFINITION: string
    }

    t.same(localQueueCatalog(), npmStart.localQueueCatalog())
    t.equal(LOCAL_JOB_QUEUE, npmStart.LOCAL_JOB_QUEUE)
    t.equal(LOCAL_JOB_DEFINITION, npmStart.LOCAL_JOB_DEFINITION)
  },
)
