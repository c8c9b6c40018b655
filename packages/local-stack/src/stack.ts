import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BatchClient } from '@aws-sdk/client-batch'
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { startBatchLocal } from '@trainplane/batch-local'
import { createTables } from '@trainplane/shared'
import {
  type CognitoLocal,
  type DynamoDbLocal,
  startCognitoLocal,
  startDynamoDbLocal,
} from '@trainplane/testkit'
import { startLambdaHost, startSnsRecorder } from '@trainplane/triggers/local'
import type { Logger } from 'pino'
import {
  LOCAL_QUEUE_NAME,
  localQueueCatalog,
  provisionBatch,
  type TrainerJob,
} from './batch-setup.js'
import { type CognitoState, provisionCognito } from './cognito-setup.js'
import { assertPortFree } from './ports.js'
import { ProcessGroup, waitForHttp } from './process-group.js'
import { loadOrCreateSecrets } from './secrets.js'
import { type LocalStackSettings, REPO_ROOT, resolvePorts } from './settings.js'

export const LOCAL_REGION = 'us-east-1'
export const LOCAL_TABLE_PREFIX = 'trainplane-local'
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }
const SNS_TOPIC = 'trainplane-run-events'

export interface LocalStack {
  apiUrl: string
  cognitoEndpoint: string
  issuer: string
  userPoolId: string
  clientId: string
  demo: { email: string; password: string }
  snsEndpoint: string
  batchEndpoint: string
  dynamodbEndpoint: string
  queueName: string
  /** Whether the user pool and demo user were made on this start. */
  firstStart: boolean
  stop(): Promise<void>
}

/** The command every trainer node runs locally, from the repository root. */
export const LOCAL_TRAINER: TrainerJob = {
  command: [
    'bash',
    'docker/trainer/entrypoint.sh',
    '/usr/bin/python3',
    'examples/ddp-digits/train.py',
  ],
  // batch-local runs every node on 127.0.0.1, and Batch gives the main node no address of its
  // own, so the entrypoint is told which address the main node listens on.
  environment: { TRAINER_NODE_ADDRESS: '127.0.0.1' },
}

interface StackState {
  cognito?: CognitoState
}

function readState(path: string): StackState {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as StackState) : {}
}

/** Prepares the data folder; with `fresh`, everything kept from earlier starts is removed. */
function prepareDataDir(settings: LocalStackSettings): void {
  if (settings.fresh) {
    for (const entry of ['dynamodb', 'cognito', 'batch', 'state.json', 'queues.json', 'logs']) {
      rmSync(join(settings.dataDir, entry), { recursive: true, force: true })
    }
  }
  for (const folder of ['', 'dynamodb', 'cognito', 'batch', 'logs']) {
    mkdirSync(join(settings.dataDir, folder), { recursive: true, mode: 0o700 })
  }
}

/**
 * Starts the whole platform on 127.0.0.1 with the local counterparts of its AWS services, in
 * dependency order, and waits until each part is ready. On any failure, everything started so
 * far is stopped before the error is raised.
 */
export async function startLocalStack(
  input: LocalStackSettings,
  logger: Logger,
): Promise<LocalStack> {
  const settings = await resolvePorts(input)
  const { ports } = settings
  for (const setting of Object.values(ports)) {
    await assertPortFree(setting.component, setting.port, setting.variable)
  }
  prepareDataDir(settings)

  const stoppers: (() => Promise<void>)[] = []
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) {
      await stop().catch((err: unknown) => logger.error({ err }, 'stopping a component failed'))
    }
  }

  try {
    return await startComponents(settings, logger, stoppers, stopAll)
  } catch (err) {
    await stopAll()
    throw err
  }
}

async function startComponents(
  settings: LocalStackSettings,
  logger: Logger,
  stoppers: (() => Promise<void>)[],
  stopAll: () => Promise<void>,
): Promise<LocalStack> {
  const { ports, dataDir } = settings
  const secrets = loadOrCreateSecrets(dataDir)
  const statePath = join(dataDir, 'state.json')
  const state = readState(statePath)

  logger.info({ port: ports.dynamodb.port }, 'starting DynamoDB Local')
  const dynamodb: DynamoDbLocal = await startDynamoDbLocal({
    port: ports.dynamodb.port,
    dbPath: join(dataDir, 'dynamodb'),
  })
  stoppers.push(() => dynamodb.stop())
  const dynamodbClient = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  })
  await createTables(dynamodbClient, LOCAL_TABLE_PREFIX)
  dynamodbClient.destroy()

  const sns = await startSnsRecorder({
    port: ports.sns.port,
    region: LOCAL_REGION,
    logger: logger.child({ component: 'sns' }),
  })
  stoppers.push(() => sns.close())
  const topicArn = sns.topicArn(SNS_TOPIC)

  const lambdaEnv = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_PREFIX: LOCAL_TABLE_PREFIX,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    SNS_ENDPOINT: sns.endpoint,
    SNS_TOPIC_ARN: topicArn,
    LOG_LEVEL: 'info',
  }
  const lambda = await startLambdaHost({
    port: ports.lambda.port,
    env: lambdaEnv,
    logger: logger.child({ component: 'lambda' }),
  })
  stoppers.push(() => lambda.close())

  logger.info({ port: ports.cognito.port }, 'starting cognito-local')
  const cognito: CognitoLocal = await startCognitoLocal({
    port: ports.cognito.port,
    dataDir: join(dataDir, 'cognito'),
    lambdaEndpoint: lambda.endpoint,
    triggers: { PostConfirmation: 'post-confirmation' },
  })
  stoppers.push(() => cognito.stop())
  const cognitoClient = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  })
  const provisioned = await provisionCognito(cognitoClient, state.cognito)
  cognitoClient.destroy()
  writeFileSync(
    statePath,
    `${JSON.stringify({ ...state, cognito: provisioned.state }, null, 2)}\n`,
    { mode: 0o600 },
  )
  const { userPoolId, clientId } = provisioned.state
  const issuer = cognito.issuerFor(userPoolId)

  const batchLocal = await startBatchLocal({
    port: ports.batch.port,
    stateDir: join(dataDir, 'batch'),
    workingDirectory: REPO_ROOT,
    events: { endpoint: lambda.endpoint, functionName: 'batch-events' },
    logger: logger.child({ component: 'batch-local' }),
  })
  stoppers.push(() => batchLocal.close())
  const batch = new BatchClient({
    endpoint: batchLocal.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  })
  await provisionBatch(batch, LOCAL_TRAINER)
  batch.destroy()

  const catalogPath = join(dataDir, 'queues.json')
  writeFileSync(catalogPath, `${JSON.stringify(localQueueCatalog(), null, 2)}\n`)

  const processes = new ProcessGroup(join(dataDir, 'logs'), settings.echoLogs)
  stoppers.push(() => processes.stopAll())
  processes.onUnexpectedExit = (name, code) => {
    logger.error(
      { component: name, exitCode: code },
      `${name} exited unexpectedly; stopping the local stack`,
    )
    void stopAll().then(() => process.exit(1))
  }

  const apiUrl = `http://127.0.0.1:${ports.api.port}`
  const common = {
    ...process.env,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    TABLE_PREFIX: LOCAL_TABLE_PREFIX,
    QUEUE_CATALOG_PATH: catalogPath,
    CURSOR_SIGNING_KEY: secrets.cursorSigningKey,
    RUN_TOKEN_KEY: secrets.runTokenKey,
    LOG_LEVEL: 'info',
  }

  processes.start('api', process.execPath, [join(REPO_ROOT, 'apps/api/dist/server.js')], {
    cwd: REPO_ROOT,
    env: {
      ...common,
      HOST: '127.0.0.1',
      PORT: String(ports.api.port),
      COGNITO_ISSUER: issuer,
      COGNITO_CLIENT_IDS: clientId,
      // batch-local serves the nodes' logs (GetLogEvents) on its Batch endpoint.
      LOGS_ENDPOINT: batchLocal.endpoint,
    },
  })
  await waitForHttp('the API', `${apiUrl}/readyz`)

  processes.start('worker', process.execPath, [join(REPO_ROOT, 'apps/worker/dist/main.js')], {
    cwd: REPO_ROOT,
    env: {
      ...common,
      BATCH_ENDPOINT: batchLocal.endpoint,
      SNS_ENDPOINT: sns.endpoint,
      SNS_TOPIC_ARN: topicArn,
      RUN_REPORT_URL: apiUrl,
      POLL_INTERVAL_MS: '1000',
    },
  })

  return {
    apiUrl,
    cognitoEndpoint: cognito.endpoint,
    issuer,
    userPoolId,
    clientId,
    demo: provisioned.state.demo,
    snsEndpoint: sns.endpoint,
    batchEndpoint: batchLocal.endpoint,
    dynamodbEndpoint: dynamodb.endpoint,
    queueName: LOCAL_QUEUE_NAME,
    firstStart: provisioned.created,
    stop: stopAll,
  }
}
