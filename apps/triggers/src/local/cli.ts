#!/usr/bin/env node
import { ConfigurationError, createLogger } from '@trainplane/shared'
import { logLevelOf } from '../config.js'
import { PortInUseError } from '../errors.js'
import { parseCliOptions, USAGE, UsageError } from './cli-options.js'
import { type LambdaHost, startLambdaHost } from './lambda-host.js'
import { type SnsRecorder, startSnsRecorder } from './sns-recorder.js'

/** Topic the CLI's batch-events publishes to when it starts the SNS recorder itself. */
export const LOCAL_TOPIC_NAME = 'trainplane-run-events'

async function main(argv: string[]): Promise<number> {
  const options = parseCliOptions(argv)
  if (options.help) {
    process.stdout.write(USAGE)
    return 0
  }

  const level = logLevelOf(process.env)
  let recorder: SnsRecorder | undefined
  let host: LambdaHost | undefined
  const stop = async () => {
    await host?.close()
    await recorder?.close()
  }

  try {
    const env = { ...process.env }
    if (!env.SNS_ENDPOINT) {
      recorder = await startSnsRecorder({
        port: options.snsPort,
        host: options.host,
        ...(env.AWS_REGION && { region: env.AWS_REGION }),
        logger: createLogger({ name: 'sns-recorder', level }),
      })
      env.SNS_ENDPOINT = recorder.endpoint
      env.SNS_TOPIC_ARN ||= recorder.topicArn(LOCAL_TOPIC_NAME)
    }
    host = await startLambdaHost({
      port: options.port,
      host: options.host,
      env,
      logger: createLogger({ name: 'lambda-host', level }),
    })
  } catch (err) {
    await stop()
    throw err
  }

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await stop()
  return 0
}

function describe(err: unknown): { message: string; code: number } {
  if (err instanceof UsageError) {
    return { message: `${err.message}\n\n${USAGE}`, code: 2 }
  }
  if (err instanceof PortInUseError) {
    return { message: `${err.message} (set with --port or --sns-port)`, code: 1 }
  }
  if (err instanceof ConfigurationError) {
    return { message: err.message, code: 1 }
  }
  return { message: err instanceof Error ? (err.stack ?? err.message) : String(err), code: 1 }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const { message, code } = describe(err)
    process.stderr.write(`trainplane-lambda-host: ${message}\n`)
    process.exit(code)
  },
)
