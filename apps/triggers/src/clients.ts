import { randomBytes } from 'node:crypto'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SNSClient } from '@aws-sdk/client-sns'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import {
  CursorCodec,
  createDynamoDbClients,
  RunRepository,
  tableNames,
  UserRepository,
} from '@trainplane/shared'
import type { BatchEventsConfig, Environment, StorageConfig } from './config.js'

/** Static credentials, as the AWS SDK accepts them. */
export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/**
 * Reads credentials from the given environment, as the SDK's default chain reads them from
 * `process.env`. Lambda sets these variables to the function role's credentials, and the local
 * Lambda host passes an environment of its own, which the SDK would not see otherwise. Returns
 * undefined when they are absent, so the SDK's default chain applies.
 */
export function credentialsFrom(env: Environment): Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey) {
    return undefined
  }
  const sessionToken = env.AWS_SESSION_TOKEN
  return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) }
}

/** The DynamoDB clients of one container. */
export interface StorageClients {
  client: DynamoDBClient
  document: DynamoDBDocumentClient
}

export function createStorageClients(
  config: StorageConfig,
  credentials?: Credentials,
): StorageClients {
  return createDynamoDbClients({
    region: config.region,
    ...(config.dynamoDbEndpoint !== undefined && { endpoint: config.dynamoDbEndpoint }),
    ...(credentials && { credentials }),
  })
}

export function createSnsClient(config: BatchEventsConfig, credentials?: Credentials): SNSClient {
  return new SNSClient({
    region: config.region,
    ...(config.snsEndpoint !== undefined && { endpoint: config.snsEndpoint }),
    ...(credentials && { credentials }),
  })
}

/**
 * Creates the runs repository for batch-events. RunRepository requires a cursor codec because
 * its list methods sign pagination cursors. batch-events only reads and updates single runs, so
 * a random key per container is enough and CURSOR_SIGNING_KEY is not needed.
 */
export function createRunRepository(config: StorageConfig, storage: StorageClients): RunRepository {
  return new RunRepository(
    storage.document,
    tableNames(config.tablePrefix),
    new CursorCodec(randomBytes(32)),
  )
}

export function createUserRepository(
  config: StorageConfig,
  storage: StorageClients,
): UserRepository {
  return new UserRepository(storage.document, tableNames(config.tablePrefix))
}
