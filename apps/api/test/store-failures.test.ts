import {
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { createDynamoDbClients } from '@trainplane/shared'
import { mockClient } from 'aws-sdk-client-mock'
import t from 'tap'
import { startForgedIdentityApp } from './helpers/forged-identity.js'

// DynamoDB Local never throttles and never fails internally, so these two failure modes are
// produced with aws-sdk-client-mock on a client of the app's own.
const RUN_ID = 'run-01jc5f3q8zj3kdx7v2m4n6p8r0'

async function setupWithFailingGet(t: Parameters<typeof startForgedIdentityApp>[0], error: Error) {
  const clients = createDynamoDbClients({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  t.teardown(() => clients.client.destroy())
  const documentMock = mockClient(clients.document)
  t.teardown(() => documentMock.restore())
  documentMock.on(GetCommand).rejects(error)

  return startForgedIdentityApp(t, { dynamoDb: clients })
}

t.test('DynamoDB throttling after the SDK retries is a 503 with Retry-After', async (t) => {
  const throttled = new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded.',
    $metadata: {},
  })
  const { app, as } = await setupWithFailingGet(t, throttled)

  const response = await app.inject({ url: `/v1/runs/${RUN_ID}`, headers: as('ada') })

  t.equal(response.statusCode, 503)
  t.equal(response.json().error.code, 'API_ERR_STORE_BUSY')
  t.equal(response.headers['retry-after'], '1')
})

t.test('an unexpected DynamoDB failure is a 500 that hides the cause', async (t) => {
  const failure = new InternalServerError({
    message: 'table secret-prefix-runs broke',
    $metadata: {},
  })
  const { app, as } = await setupWithFailingGet(t, failure)

  const response = await app.inject({ url: `/v1/runs/${RUN_ID}`, headers: as('ada') })

  t.equal(response.statusCode, 500)
  t.equal(response.json().error.code, 'API_ERR_INTERNAL')
  t.match(response.json().error.message, response.json().error.requestId)
  t.notMatch(response.body, 'secret-prefix', 'the cause stays in the log')
})
