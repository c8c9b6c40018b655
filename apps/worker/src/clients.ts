import { BatchClient, type BatchClientConfig } from '@aws-sdk/client-batch'
import { SNSClient } from '@aws-sdk/client-sns'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createDynamoDbClients, type RunNotifier, SnsRunNotifier } from '@trainplane/shared'
import type { Logger } from 'pino'
import type { WorkerConfig } from './config.js'

/** The AWS clients and logger a worker uses; built once and injected. */
export interface WorkerClients {
  /** Batch client for every call but SubmitJob; it may retry as the SDK does by default. */
  batch: BatchClient
  /**
   * Batch client for SubmitJob, which must make one attempt per call (`maxAttempts: 1`).
   * SubmitJob has no idempotency token, so an SDK retry after a lost response could create a
   * second job; reconciliation settles a failed call instead. When absent, `batch` is used, and
   * it must then make one attempt per call.
   */
  submitBatch?: BatchClient
  document: DynamoDBDocumentClient
  notifier: RunNotifier
  /** The worker's own logger is used when absent. */
  logger?: Logger
  /** Called when the worker stops, to close what was opened for it. */
  destroy?(): void
}

export interface BatchClientOptions {
  region: string
  endpoint?: string
  credentials?: BatchClientConfig['credentials']
  /** Attempts per call; 1 for the SubmitJob client. @default the SDK's default, 3 */
  maxAttempts?: number
}

/** Builds a Batch client; give `maxAttempts: 1` for the one that sends SubmitJob. */
export function createBatchClient(options: BatchClientOptions): BatchClient {
  return new BatchClient({
    region: options.region,
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
  })
}

/** Builds the clients of a worker from its configuration; credentials come from the SDK chain. */
export function createWorkerClients(config: WorkerConfig): WorkerClients {
  const endpoint = config.batchEndpoint !== undefined ? { endpoint: config.batchEndpoint } : {}
  const batch = createBatchClient({ region: config.region, ...endpoint })
  const submitBatch = createBatchClient({ region: config.region, ...endpoint, maxAttempts: 1 })
  const { client, document } = createDynamoDbClients({
    region: config.region,
    ...(config.dynamoDbEndpoint !== undefined && { endpoint: config.dynamoDbEndpoint }),
  })
  const sns = new SNSClient({
    region: config.region,
    ...(config.snsEndpoint !== undefined && { endpoint: config.snsEndpoint }),
  })

  return {
    batch,
    submitBatch,
    document,
    notifier: new SnsRunNotifier(sns, config.snsTopicArn),
    destroy() {
      batch.destroy()
      submitBatch.destroy()
      document.destroy()
      client.destroy()
      sns.destroy()
    },
  }
}
