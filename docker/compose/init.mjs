#!/usr/bin/env node
// @ts-check
// The compose stack's one-shot init job, which prepares what `npm start` prepares before the API
// and the worker start: the tables, the groups and the demo user, the trainer's job definition
// and the local queue in batch-local, and the queue catalog. Each step keeps what an earlier
// run made, so the job runs on every `docker compose up`. Settings: see init-config.mjs.
import { BatchClient } from '@aws-sdk/client-batch'
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { ConfigurationError, createLogger, createTables } from '@trainplane/shared'
import { loadInitConfig } from './init-config.mjs'
import { LOCAL_QUEUE_NAME, localQueueCatalog } from './local-queue.mjs'
import { provisionBatch } from './provision-batch.mjs'
import { DEMO_GROUP, ensureDemoUser, ensureGroups } from './provision-cognito.mjs'
import { writeQueueCatalog } from './write-queue-catalog.mjs'

/**
 * Prepares each part of the stack in turn and returns the demo user's sign-in.
 *
 * @param {import('./init-config.mjs').InitConfig} config
 * @param {import('pino').Logger} logger
 */
async function prepareStack(config, logger) {
  const region = config.region

  const dynamodb = new DynamoDBClient({ region, endpoint: config.dynamoDbEndpoint })
  await createTables(dynamodb, config.tablePrefix)
  dynamodb.destroy()
  logger.info({ tablePrefix: config.tablePrefix }, 'tables ready')

  const cognito = new CognitoIdentityProviderClient({ region, endpoint: config.cognitoEndpoint })
  const groupsCreated = await ensureGroups(cognito, config.userPoolId)
  const demo = await ensureDemoUser(cognito, config)
  cognito.destroy()
  logger.info(
    { userPoolId: config.userPoolId, groupsCreated, userCreated: demo.created },
    'groups and demo user ready',
  )

  const batch = new BatchClient({ region, endpoint: config.batchEndpoint })
  const provisioned = await provisionBatch(batch)
  batch.destroy()
  logger.info(provisioned, 'job definition and queue ready')

  writeQueueCatalog(config.queueCatalogPath, localQueueCatalog())
  logger.info({ path: config.queueCatalogPath }, 'queue catalog written')

  return demo
}

async function main() {
  let config
  try {
    config = loadInitConfig(process.env)
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err
    process.stderr.write(`init: ${err.message}\n`)
    return 1
  }

  const logger = createLogger({ name: 'compose-init', level: config.logLevel })
  let demo
  try {
    demo = await prepareStack(config, logger)
  } catch (err) {
    logger.fatal({ err }, 'init failed; the API and the worker will not start')
    return 1
  }

  // The same sign-in `npm start` prints: a local account of a stack that listens on 127.0.0.1
  // only. It goes to standard output, never to a log line.
  process.stdout.write(
    [
      '',
      'The trainplane compose stack is ready.',
      `  Demo user: ${demo.email} / ${demo.password} (group ${DEMO_GROUP})`,
      `  Queue:     ${LOCAL_QUEUE_NAME}`,
      '  CLI:       npx trainplane profile import compose docker/compose/cli-profile.json',
      `             npx trainplane login --profile compose --username ${demo.email}`,
      '',
    ].join('\n'),
  )
  return 0
}

process.exitCode = await main()
