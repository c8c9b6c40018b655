// @ts-check
import { TABLE_PREFIX_PATTERN } from '@trainplane/shared'
import { CLIENT_ID_PATTERN, EnvironmentReader, USER_POOL_ID_PATTERN } from './environment.mjs'

/** @typedef {import('@trainplane/shared').ConfigurationError} ConfigurationError */

/**
 * @typedef {object} InitConfig
 * @property {string} region
 * @property {string} tablePrefix
 * @property {string} dynamoDbEndpoint - DynamoDB Local's address
 * @property {string} cognitoEndpoint - cognito-local's address
 * @property {string} userPoolId - the user pool cognito-local was seeded with
 * @property {string} clientId - the app client cognito-local was seeded with
 * @property {string} batchEndpoint - batch-local's address
 * @property {string} queueCatalogPath - where the API and the worker read the queue catalog
 * @property {string} stateDir - folder that keeps the demo user's password between runs
 * @property {string} logLevel
 */

/**
 * Reads the settings of the compose stack's init job. The AWS SDK reads the credentials
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) itself.
 *
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {InitConfig}
 * @throws {ConfigurationError} naming every missing or invalid variable
 */
export function loadInitConfig(env) {
  const reader = new EnvironmentReader(env)

  const config = {
    region: reader.region(),
    tablePrefix: reader.matching('TABLE_PREFIX', TABLE_PREFIX_PATTERN, 'trainplane-local'),
    dynamoDbEndpoint: reader.url('DYNAMODB_ENDPOINT', 'http://dynamodb:8000'),
    cognitoEndpoint: reader.url('COGNITO_ENDPOINT', 'http://cognito-local:9229'),
    userPoolId: reader.matching('COGNITO_USER_POOL_ID', USER_POOL_ID_PATTERN, 'local_trainplane'),
    clientId: reader.matching('COGNITO_CLIENT_ID', CLIENT_ID_PATTERN, 'trainplane_cli'),
    batchEndpoint: reader.url('BATCH_ENDPOINT', 'http://batch-local:9100'),
    queueCatalogPath: reader.required('QUEUE_CATALOG_PATH', '/etc/trainplane/queue-catalog.json'),
    stateDir: reader.required('INIT_STATE_DIR', '/var/lib/trainplane-init'),
    logLevel: reader.logLevel(),
  }
  reader.throwIfInvalid()
  return config
}
