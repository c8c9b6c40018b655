import { parseArgs } from 'node:util'
import { BatchLocalConfigurationError, type BatchLocalOptions } from './options.js'

export const USAGE = `Usage: batch-local [options]

Starts a local emulator of the AWS Batch API (and of CloudWatch Logs GetLogEvents for job logs)
that runs each job node as a local process.

Options:
  --port <number>             TCP port to listen on; 0 picks a free one (default 0)
  --host <address>            address to listen on (default 127.0.0.1)
  --state-dir <path>          folder that keeps queues, job definitions, jobs and logs across restarts
  --lambda-endpoint <url>     Lambda API endpoint that receives "Batch Job State Change" events
  --events-function <name>    name of the function invoked with each event
  --region <name>             region written into ARNs and events (default us-east-1)
  --time-scale <factor>       factor applied to job timeouts; 0.01 turns 60 s into 0.6 s (default 1)
  --step-delay-ms <ms>        time between job status steps, in milliseconds (default 250)
  --log-level <level>         pino log level: trace, debug, info, warn, error (default info)
  --help                      show this help
`

/** Parses the command line and raises BatchLocalConfigurationError for invalid arguments. */
export function parseCommandLine(argv: string[]): {
  options: BatchLocalOptions
  logLevel: string
  help: boolean
} {
  let parsed: ReturnType<typeof parseCli>
  try {
    parsed = parseCli(argv)
  } catch (error) {
    throw new BatchLocalConfigurationError((error as Error).message)
  }
  const { values } = parsed

  const lambdaEndpoint = values['lambda-endpoint']
  const eventsFunction = values['events-function']
  if ((lambdaEndpoint === undefined) !== (eventsFunction === undefined)) {
    throw new BatchLocalConfigurationError(
      '--lambda-endpoint and --events-function go together. Give both to send events, or neither.',
    )
  }

  const options: BatchLocalOptions = {
    port: readNumber(values.port, '--port'),
    host: values.host,
    stateDir: values['state-dir'],
    region: values.region,
    timeScale: readNumber(values['time-scale'], '--time-scale'),
    stepDelayMs: readNumber(values['step-delay-ms'], '--step-delay-ms'),
    events:
      lambdaEndpoint === undefined || eventsFunction === undefined
        ? undefined
        : { endpoint: lambdaEndpoint, functionName: eventsFunction },
  }
  return { options, logLevel: values['log-level'] ?? 'info', help: values.help === true }
}

function parseCli(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'state-dir': { type: 'string' },
      'lambda-endpoint': { type: 'string' },
      'events-function': { type: 'string' },
      region: { type: 'string' },
      'time-scale': { type: 'string' },
      'step-delay-ms': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
  })
}

function readNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) {
    return undefined
  }
  const number = Number(value)
  if (value.trim() === '' || Number.isNaN(number)) {
    throw new BatchLocalConfigurationError(
      `${flag} must be a number (got ${JSON.stringify(value)}).`,
    )
  }
  return number
}
