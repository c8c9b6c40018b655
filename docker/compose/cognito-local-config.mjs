// @ts-check
import { CLIENT_ID_PATTERN, EnvironmentReader, USER_POOL_ID_PATTERN } from './environment.mjs'

/** @typedef {import('@trainplane/shared').ConfigurationError} ConfigurationError */

/**
 * @typedef {object} CognitoLocalConfig
 * @property {string} issuerDomain - the address in the `iss` claim of the tokens, without a path
 * @property {string} userPoolId - the fixed id of the platform's user pool
 * @property {string} clientId - the fixed id of the CLI's app client
 * @property {string} lambdaEndpoint - the Lambda Invoke API that runs the PostConfirmation trigger
 * @property {string} region - the region of the Lambda client
 */

/**
 * Reads the settings of cognito-local in the compose stack. cognito-local itself reads PORT and
 * HOST, which the image sets.
 *
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {CognitoLocalConfig}
 * @throws {ConfigurationError} naming every missing or invalid variable
 */
export function loadCognitoLocalConfig(env) {
  const reader = new EnvironmentReader(env)
  const issuerDomain = reader.url('COGNITO_ISSUER_DOMAIN', 'http://127.0.0.1:9229')
  const userPoolId = reader.matching(
    'COGNITO_USER_POOL_ID',
    USER_POOL_ID_PATTERN,
    'local_trainplane',
  )
  const clientId = reader.matching('COGNITO_CLIENT_ID', CLIENT_ID_PATTERN, 'trainplane_cli')
  const lambdaEndpoint = reader.url('LAMBDA_ENDPOINT', 'http://lambda-host:9001')
  const region = reader.region()

  if (issuerDomain && /^https?:\/\/[^/]+\/./.test(issuerDomain)) {
    reader.problems.push(
      `COGNITO_ISSUER_DOMAIN has a path (${JSON.stringify(issuerDomain)}); give the scheme, host and port only, because cognito-local appends /<user pool id>`,
    )
  }
  reader.throwIfInvalid()

  return {
    issuerDomain: issuerDomain.replace(/\/+$/, ''),
    userPoolId,
    clientId,
    lambdaEndpoint,
    region,
  }
}
