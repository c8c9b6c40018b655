#!/usr/bin/env node
import pino from 'pino'
import { startBatchLocal } from './batch-local.js'
import { parseCommandLine, USAGE } from './command-line.js'

// Time the process may take to exit after close() before it is ended by force.
const EXIT_GRACE_MS = 2000

async function main(): Promise<void> {
  let command: ReturnType<typeof parseCommandLine>
  try {
    command = parseCommandLine(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`batch-local: ${(error as Error).message}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  if (command.help) {
    process.stdout.write(USAGE)
    return
  }

  const logger = pino({ name: 'batch-local', level: command.logLevel })
  const host = command.options.host ?? '127.0.0.1'
  let batchLocal: Awaited<ReturnType<typeof startBatchLocal>>
  try {
    batchLocal = await startBatchLocal({ ...command.options, logger })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const message =
      code === 'EADDRINUSE'
        ? `port ${command.options.port} on ${host} is already in use. Choose another --port or stop the process that uses it.`
        : (error as Error).message
    logger.error({ err: error }, 'batch-local failed to start')
    process.stderr.write(`batch-local: ${message}\n`)
    process.exitCode = 1
    return
  }

  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      return
    }
    stopping = true
    logger.info({ signal }, 'stopping')
    batchLocal.close().then(
      () => {
        process.exitCode = 0
        // close() releases every handle batch-local opened. This timer ends the process
        // anyway if a library still keeps one open.
        setTimeout(() => process.exit(), EXIT_GRACE_MS).unref()
      },
      (error: unknown) => {
        logger.error({ err: error }, 'batch-local failed to stop cleanly')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

await main()
