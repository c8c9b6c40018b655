// @ts-check
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The post-confirmation handler's function name on the Lambda host. */
export const POST_CONFIRMATION_FUNCTION = 'post-confirmation'

/**
 * The pool's settings: sign-in with an email address, and the password policy of the pool
 * `npm start` creates.
 */
const USER_POOL_SETTINGS = {
  Name: 'trainplane-local',
  UsernameAttributes: ['email'],
  AutoVerifiedAttributes: ['email'],
  Policies: {
    PasswordPolicy: {
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 7,
    },
  },
}

/**
 * Builds cognito-local's `.cognito/config.json` (cognito-local README, "Configuration").
 *
 * @param {import('./cognito-local-config.mjs').CognitoLocalConfig} config
 */
export function cognitoLocalSettings(config) {
  return {
    TokenConfig: { IssuerDomain: config.issuerDomain },
    TriggerFunctions: { PostConfirmation: POST_CONFIRMATION_FUNCTION },
    LambdaClient: {
      endpoint: config.lambdaEndpoint,
      region: config.region,
      // The local Lambda host checks no signature, but the SDK needs credentials to sign.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    },
    // cognito-local gives these settings to the pool it finds as an empty file at start.
    UserPoolDefaults: USER_POOL_SETTINGS,
  }
}

/**
 * Builds the CLI's app client as cognito-local stores it: no secret, the sign-in flows the CLI
 * uses, and cognito-local's default token lifetimes.
 *
 * @param {import('./cognito-local-config.mjs').CognitoLocalConfig} config
 * @param {Date} now
 */
export function cliAppClient(config, now) {
  return {
    ClientId: config.clientId,
    ClientName: 'trainplane-cli',
    UserPoolId: config.userPoolId,
    ExplicitAuthFlows: [
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_USER_SRP_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ],
    CreationDate: now.toISOString(),
    LastModifiedDate: now.toISOString(),
  }
}

/**
 * Writes a JSON file through a temporary file and a rename, so cognito-local never reads half
 * of it.
 *
 * @param {string} path
 * @param {unknown} value
 */
function writeJson(path, value) {
  const temporary = `${path}.tmp`
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`)
  renameSync(temporary, path)
}

/**
 * Prepares cognito-local's data folder before cognito-local starts: writes its configuration,
 * and on the first start a user pool and an app client with the fixed ids of compose.yaml. The
 * API's COGNITO_ISSUER and COGNITO_CLIENT_IDS can then name them before they exist, where
 * CreateUserPool and CreateUserPoolClient would pick random ids. cognito-local keeps a pool in
 * `.cognito/db/<pool id>.json` and the app clients in `.cognito/db/clients.json`, and loads both
 * at start (cognito-local README, "User Pools and Clients").
 *
 * Users, groups and other clients from earlier starts stay as they are.
 *
 * @param {string} dataDir - the folder cognito-local runs in, which contains `.cognito`
 * @param {import('./cognito-local-config.mjs').CognitoLocalConfig} config
 * @param {Date} [now] - the creation time written for a new app client
 * @returns {{ poolCreated: boolean, clientCreated: boolean }}
 */
export function seedCognitoData(dataDir, config, now = new Date()) {
  const configDir = join(dataDir, '.cognito')
  const databaseDir = join(configDir, 'db')
  mkdirSync(databaseDir, { recursive: true })

  writeJson(join(configDir, 'config.json'), cognitoLocalSettings(config))

  // cognito-local fills an empty pool file with its defaults, the UserPoolDefaults above and
  // the id from the file name, and saves it.
  const poolPath = join(databaseDir, `${config.userPoolId}.json`)
  const poolCreated = !existsSync(poolPath)
  if (poolCreated) {
    writeJson(poolPath, {})
  }

  const clientsPath = join(databaseDir, 'clients.json')
  const stored = existsSync(clientsPath) ? JSON.parse(readFileSync(clientsPath, 'utf8')) : {}
  const clients = { ...stored, Clients: { ...stored.Clients } }
  const clientCreated = clients.Clients[config.clientId] === undefined
  if (clientCreated) {
    clients.Clients[config.clientId] = cliAppClient(config, now)
    writeJson(clientsPath, clients)
  }

  return { poolCreated, clientCreated }
}
