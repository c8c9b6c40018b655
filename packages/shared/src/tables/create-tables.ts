import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb'
import {
  createTableInput,
  TABLE_DEFINITIONS,
  type TableName,
  tableNames,
} from './table-definitions.js'

/**
 * Creates the platform's tables for a prefix, and their TTL settings. Tables that already exist
 * are left as they are, so a restarted local stack keeps its data. Production tables come from
 * Terraform instead.
 */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<void> {
  const names = tableNames(prefix)

  await Promise.all(
    (Object.keys(TABLE_DEFINITIONS) as TableName[]).map(async (table) => {
      const definition = TABLE_DEFINITIONS[table]
      const name = names[table]

      try {
        await client.send(new CreateTableCommand(createTableInput(definition, name)))
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err
        return
      }

      await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: name })

      if (definition.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
          }),
        )
      }
    }),
  )
}
