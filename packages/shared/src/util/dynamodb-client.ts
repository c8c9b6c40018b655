import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

export interface DynamoDbClientOptions {
  region: string
  /** Endpoint override, such as DynamoDB Local's address; unset on AWS. */
  endpoint?: string
  credentials?: DynamoDBClientConfig['credentials']
  maxAttempts?: number
}

/** Builds the low-level and document clients once, for injection into repositories. */
export function createDynamoDbClients(options: DynamoDbClientOptions): {
  client: DynamoDBClient
  document: DynamoDBDocumentClient
} {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint && { endpoint: options.endpoint }),
    ...(options.credentials && { credentials: options.credentials }),
    ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
  })

  const document = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  })

  return { client, document }
}
