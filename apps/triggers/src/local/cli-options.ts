import { parseArgs } from 'node:util'

export interface CliOptions {
  port: number
  host: string
  snsPort: number
  help: boolean
}

/** The Lambda endpoint port that batch-local's examples use (docs/batch-local.md). */
export const DEFAULT_PORT = 9001
export const DEFAULT_SNS_PORT = 9002

export const USAGE = `Usage: trainplane-lambda-host [options]

Serves the Lambda Invoke API for the batch-events and post-confirmation functions, running
them in this process. Unless SNS_ENDPOINT is set, it also starts the SNS recorder and points
batch-events at it.

Options:
  --port <port>      TCP port of the Lambda host; 0 picks a free one (default ${DEFAULT_PORT})
  --host <address>   address both servers listen on (default 127.0.0.1)
  --sns-port <port>  TCP port of the SNS recorder; 0 picks a free one (default ${DEFAULT_SNS_PORT})
  --help             print this text

Environment: AWS_REGION, TABLE_PREFIX, DYNAMODB_ENDPOINT, SNS_TOPIC_ARN, SNS_ENDPOINT,
LOG_LEVEL, and AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
`

/** A command line the CLI cannot run; the message names the option. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

function parsePort(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} is invalid; expected a port from 0 to 65535`,
    )
  }
  return port
}

/** @throws UsageError for an unknown option or an invalid value */
export function parseCliOptions(argv: string[]): CliOptions {
  let values: { port?: string; host?: string; 'sns-port'?: string; help?: boolean }
  try {
    values = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'sns-port': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }

  return {
    port: parsePort('--port', values.port, DEFAULT_PORT),
    host: values.host || '127.0.0.1',
    snsPort: parsePort('--sns-port', values['sns-port'], DEFAULT_SNS_PORT),
    help: values.help ?? false,
  }
}
