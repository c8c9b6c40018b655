#!/usr/bin/env node
// @ts-check
// Starts cognito-local for the compose stack in the current folder, after writing its
// configuration and the fixed user pool and app client (see cognito-seed.mjs). Environment:
// COGNITO_ISSUER_DOMAIN, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, LAMBDA_ENDPOINT, AWS_REGION,
// and cognito-local's own PORT and HOST.
import { ConfigurationError, createLogger } from '@trainplane/shared'
import { loadCognitoLocalConfig } from './cognito-local-config.mjs'
import { seedCognitoData } from './cognito-seed.mjs'

const logger = createLogger({ name: 'cognito-local-seed' })

let config
try {
  config = loadCognitoLocalConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigurationError)) throw err
  process.stderr.write(`cognito-local: ${err.message}\n`)
  process.exit(1)
}

let seeded
try {
  seeded = seedCognitoData(process.cwd(), config)
} catch (err) {
  logger.fatal({ err, dataDir: process.cwd() }, 'cognito-local data could not be prepared')
  process.exit(1)
}
logger.info(
  {
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    issuerDomain: config.issuerDomain,
    ...seeded,
  },
  'cognito-local data prepared',
)

// cognito-local installs no signal handlers, and a process that is PID 1 has no default ones,
// so without these `docker compose stop` would wait for its SIGKILL.
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping cognito-local')
    process.exit(0)
  })
}

// The module starts the server when it is loaded, and logs the address it listens on.
await import('cognito-local/lib/bin/start.js')
