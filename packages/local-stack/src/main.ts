#!/usr/bin/env node
import { execFileSync } from 'node:child_process'
import { pino } from 'pino'
import { LOCAL_PROFILE, writeLocalProfile } from './cli-profile.js'
import { readSettings } from './settings.js'
import { startLocalStack } from './stack.js'

const USAGE = `Usage: npm start [-- --fresh] [-- --quiet]

Starts the whole platform on 127.0.0.1: DynamoDB Local, cognito-local, batch-local, the Lambda
host, the SNS recorder, the API and the worker. Data is kept under .local/ between starts.

Options:
  --fresh   start from empty data (removes what earlier starts kept)
  --quiet   do not echo the components' logs here (they stay under .local/logs)
  --help    print this text

Ports (environment variables): TRAINPLANE_API_PORT (3000), TRAINPLANE_DYNAMODB_PORT (8000),
TRAINPLANE_COGNITO_PORT (9229), TRAINPLANE_BATCH_PORT (9100), TRAINPLANE_LAMBDA_PORT (9001),
TRAINPLANE_SNS_PORT (9002). TRAINPLANE_LOCAL_DIR moves the data folder.
`

function javaAvailable(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((arg) => !['--fresh', '--quiet', '--help', '-h'].includes(arg))
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE)
    return 0
  }
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(' ')}\n\n${USAGE}`)
    return 2
  }
  if (!javaAvailable()) {
    process.stderr.write(
      'java was not found on PATH. DynamoDB Local needs Java 17 or later: install it (on Debian or Ubuntu, `apt-get install openjdk-17-jre-headless`) and run npm start again.\n',
    )
    return 1
  }

  const logger = pino({ name: 'local-stack', level: 'info' })
  const settings = readSettings(process.env, {
    fresh: argv.includes('--fresh'),
    quiet: argv.includes('--quiet'),
  })
  const stack = await startLocalStack(settings, logger)

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\n${signal} received; stopping every component...\n`)
    void stack.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))

  const profile = writeLocalProfile(stack, process.env)
  const profileHint = profile.names.includes('default') ? '' : ` --profile ${LOCAL_PROFILE}`
  process.stdout.write(
    [
      '',
      'trainplane is running on 127.0.0.1',
      `  API           ${stack.apiUrl}/v1`,
      `  API docs      ${stack.apiUrl}/docs`,
      `  Cognito       ${stack.cognitoEndpoint} (pool ${stack.userPoolId}, client ${stack.clientId})`,
      `  Batch         ${stack.batchEndpoint} (queue ${stack.queueName})`,
      `  SNS messages  ${stack.snsEndpoint}/messages`,
      `  data          ${settings.dataDir}`,
      '',
      `Demo user: ${stack.demo.email} / ${stack.demo.password}`,
      `CLI profile: ${profile.names.join(' and ')} in ${profile.path}`,
      `Try: npx trainplane login${profileHint} --username ${stack.demo.email}`,
      '     npm run demo',
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  )
  return -1
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (err: unknown) => {
    process.stderr.write(`npm start failed: ${(err as Error).message}\n`)
    process.exit(1)
  },
)
