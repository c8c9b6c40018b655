import { createLogger } from '@trainplane/shared'
import { createWorkerClients } from './clients.js'
import { loadConfig, type WorkerConfig } from './config.js'
import { WorkerError } from './errors.js'
import { createWorker } from './worker.js'

/** How long a stopping worker may take to finish its steps before the process exits anyway. */
const STOP_TIMEOUT_MS = 30_000

async function main(): Promise<void> {
  let config: WorkerConfig
  try {
    config = loadConfig()
  } catch (err) {
    if (!(err instanceof WorkerError)) throw err
    // No logger level is known yet, so the default logger reports the configuration error.
    createLogger({ name: 'worker' }).fatal({ code: err.code }, err.message)
    process.exit(1)
  }

  const logger = createLogger({ name: 'worker', level: config.logLevel })
  const worker = await createWorker(config, { ...createWorkerClients(config), logger })
  worker.start()

  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stop signal received')
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'worker did not stop in time; exiting')
      process.exit(1)
    }, STOP_TIMEOUT_MS)
    timer.unref()
    worker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'worker stop failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
}

main().catch((err: unknown) => {
  const logger = createLogger({ name: 'worker' })
  if (err instanceof WorkerError) {
    logger.fatal({ code: err.code }, err.message)
  } else {
    logger.fatal({ err }, 'worker failed to start')
  }
  process.exit(1)
})
