import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { mockClient } from 'aws-sdk-client-mock'
import t from 'tap'
import { ResultsRepository, UnprocessedItemsError } from '../src/repositories/results-repository.js'
import { tableNames } from '../src/tables/table-definitions.js'
import { CursorCodec } from '../src/util/cursor.js'

// DynamoDB Local never returns UnprocessedItems, so a partial BatchWriteItem result can only
// be produced with a mocked client.
const tables = tableNames('mock')
const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }))
const repository = new ResultsRepository(document, tables, new CursorCodec('k'.repeat(32)))
const mock = mockClient(document)
t.teardown(() => mock.restore())

t.test('unprocessed metric points are retried until written', async (t) => {
  mock.reset()
  let calls = 0
  mock.on(BatchWriteCommand).callsFake((input) => {
    calls++
    const items = input.RequestItems[tables.results]
    return calls === 1
      ? { UnprocessedItems: { [tables.results]: items.slice(1) } }
      : { UnprocessedItems: {} }
  })

  await repository.putMetrics('run-a', [
    { name: 'loss', step: 1, value: 1 },
    { name: 'loss', step: 2, value: 2 },
  ])

  t.equal(calls, 2)
  const retried =
    mock.commandCalls(BatchWriteCommand)[1]?.args[0].input.RequestItems?.[tables.results]
  t.equal(retried?.length, 1, 'only the unprocessed item is sent again')
})

t.test('points still unprocessed after every retry raise an error', async (t) => {
  mock.reset()
  mock.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }))

  await t.rejects(
    repository.putMetrics('run-a', [{ name: 'loss', step: 1, value: 1 }]),
    UnprocessedItemsError,
  )
})

t.test('more than 25 points are split into several requests', async (t) => {
  mock.reset()
  mock.on(BatchWriteCommand).resolves({ UnprocessedItems: {} })

  await repository.putMetrics(
    'run-a',
    Array.from({ length: 60 }, (_, step) => ({ name: 'loss', step, value: step })),
  )

  const sizes = mock
    .commandCalls(BatchWriteCommand)
    .map((call) => call.args[0].input.RequestItems?.[tables.results]?.length)
  t.same(sizes, [25, 25, 10])
})
