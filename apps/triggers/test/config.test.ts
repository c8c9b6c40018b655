import { ConfigurationError } from '@trainplane/shared'
import t from 'tap'
import { loadBatchEventsConfig, loadPostConfirmationConfig } from '../src/config.js'

const VALID = {
  AWS_REGION: 'eu-west-1',
  TABLE_PREFIX: 'trainplane-dev',
  SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:trainplane-runs',
}

t.test('valid batch-events environment', async (t) => {
  const config = loadBatchEventsConfig({
    ...VALID,
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    SNS_ENDPOINT: 'http://127.0.0.1:3002',
    LOG_LEVEL: 'debug',
  })

  t.same(config, {
    region: 'eu-west-1',
    tablePrefix: 'trainplane-dev',
    logLevel: 'debug',
    dynamoDbEndpoint: 'http://127.0.0.1:8000',
    snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:trainplane-runs',
    snsEndpoint: 'http://127.0.0.1:3002',
  })
})

t.test('endpoints are optional, as on AWS', async (t) => {
  const config = loadBatchEventsConfig(VALID)

  t.equal(config.dynamoDbEndpoint, undefined)
  t.equal(config.snsEndpoint, undefined)
  t.equal(config.logLevel, 'info')
})

t.test('post-confirmation needs no SNS settings', async (t) => {
  const config = loadPostConfirmationConfig({ AWS_REGION: 'eu-west-1', TABLE_PREFIX: 'dev' })

  t.same(config, { region: 'eu-west-1', tablePrefix: 'dev', logLevel: 'info' })
})

t.test('missing variables are all named', async (t) => {
  t.throws(() => loadBatchEventsConfig({}), ConfigurationError)
  t.throws(() => loadBatchEventsConfig({ TABLE_PREFIX: '  ' }), {
    message: /AWS_REGION is missing.*TABLE_PREFIX is missing.*SNS_TOPIC_ARN is missing/,
  })
})

t.test('invalid values name the variable and the expected form', async (t) => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['region', { AWS_REGION: 'Europe' }, /AWS_REGION is invalid \("Europe"\); expected a region/],
    ['table prefix', { TABLE_PREFIX: 'dev tables' }, /TABLE_PREFIX is invalid/],
    ['topic ARN', { SNS_TOPIC_ARN: 'trainplane-runs' }, /SNS_TOPIC_ARN is invalid/],
    ['DynamoDB endpoint', { DYNAMODB_ENDPOINT: 'localhost:8000' }, /DYNAMODB_ENDPOINT is invalid/],
    ['SNS endpoint', { SNS_ENDPOINT: 'ftp://127.0.0.1' }, /SNS_ENDPOINT is invalid/],
    ['log level', { LOG_LEVEL: 'verbose' }, /LOG_LEVEL is invalid \("verbose"\); expected one of/],
  ]

  for (const [name, values, message] of cases) {
    t.throws(() => loadBatchEventsConfig({ ...VALID, ...values }), { message }, name)
  }
})
