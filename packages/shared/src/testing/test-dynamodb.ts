import { randomBytes } from 'node:crypto'
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createTables } from '../tables/create-tables.js'
import { type TableNames, tableNames } from '../tables/table-definitions.js'
import { CursorCodec } from '../util/cursor.js'
import { createDynamoDbClients } from '../util/dynamodb-client.js'

/** The part of a tap test this harness needs: a place to register cleanup. */
export interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestDynamoDb {
  endpoint: string
  prefix: string
  tables: TableNames
  client: DynamoDBClient
  document: DynamoDBDocumentClient
  cursors: CursorCodec
}

/** Variable the test-run wrapper sets to the DynamoDB Local it started. */
export const DYNAMODB_ENDPOINT_VARIABLE = 'DYNAMODB_ENDPOINT'

/** DynamoDB Local accepts any credentials; tests must never find real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }
const LOCAL_REGION = 'us-east-1'

/**
 * Gives a test file its own tables, under a unique prefix, on the DynamoDB Local that the
 * test run started with `with-dynamodb` (from @trainplane/testkit). Everything is removed at
 * teardown.
 */
export async function setupTestDynamoDb(t: Teardown): Promise<TestDynamoDb> {
  const endpoint = process.env[DYNAMODB_ENDPOINT_VARIABLE]
  if (!endpoint) {
    throw new Error(
      `${DYNAMODB_ENDPOINT_VARIABLE} is not set; run tests with \`npm test\`, or prefix the command with \`npx with-dynamodb\``,
    )
  }

  const prefix = `test-${randomBytes(6).toString('hex')}`
  const { client, document } = createDynamoDbClients({
    region: LOCAL_REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
  })
  await createTables(client, prefix)
  const tables = tableNames(prefix)

  t.teardown(async () => {
    await Promise.all(
      Object.values(tables).map((TableName) =>
        client.send(new DeleteTableCommand({ TableName })).catch(() => undefined),
      ),
    )
    client.destroy()
  })

  return { endpoint, prefix, tables, client, document, cursors: new CursorCodec(randomBytes(32)) }
}
