import { ConfigurationError } from '@trainplane/shared'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { type ApiConfig, loadConfig } from './config.js'

/**
 * Starts the API: configuration validated once, then the server, which closes gracefully on
 * SIGTERM (in-flight requests finish, new ones are refused, clients are closed) within
 * SHUTDOWN_GRACE_MS.
 */
let config: ApiConfig
try {
  config = loadConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigurationError)) throw err
  process.stderr.write(`trainplane api: invalid configuration: ${err.message}\n`)
  process.exit(1)
}

const app = await buildApp(config)

closeWithGrace(
  { delay: config.timeouts.shutdownGraceMs || false, logger: false },
  async ({ signal, err }) => {
    if (err) {
      app.log.error({ err }, 'server closing after an error')
    } else {
      app.log.info({ signal }, 'server closing')
    }
    await app.close()
  },
)

try {
  await app.listen({ host: config.host, port: config.port })
} catch (err) {
  app.log.error({ err, host: config.host, port: config.port }, 'server failed to start')
  process.exit(1)
}
