import t from 'tap'
import { setupTestDynamoDb } from '../src/testing/test-dynamodb.js'

t.test('tables are created', async (t) => {
  const db = await setupTestDynamoDb(t)
  t.match(db.tables.runs, /-runs$/)
})
