import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createDynamoDbClients, tableNames } from '@trainplane/shared'
import fp from 'fastify-plugin'

export interface DynamoDbPluginOptions {
  /** Clients built by the caller, such as a test; the caller also destroys them. */
  clients?: { client: DynamoDBClient; document: DynamoDBDocumentClient }
}

/**
 * Builds the DynamoDB clients once, from AWS_REGION and DYNAMODB_ENDPOINT, and the table names
 * from TABLE_PREFIX. Clients built here are destroyed when the server closes.
 */
export default fp<DynamoDbPluginOptions>(
  async (fastify, options) => {
    const { config } = fastify
    const owned = options.clients === undefined
    const clients =
      options.clients ??
      createDynamoDbClients({
        region: config.aws.region,
        ...(config.aws.dynamoDbEndpoint !== undefined && {
          endpoint: config.aws.dynamoDbEndpoint,
        }),
      })

    fastify.decorate('dynamoDb', clients)
    fastify.decorate('tables', tableNames(config.tablePrefix))

    if (owned) {
      fastify.addHook('onClose', async () => {
        clients.client.destroy()
      })
    }
  },
  { name: 'dynamodb', dependencies: ['config'] },
)
