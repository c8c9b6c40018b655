#!/usr/bin/env node
import { spawn } from 'node:child_process'
import { startDynamoDbLocal } from './dynamodb-local.js'

/** Variable the tests read to find DynamoDB Local. */
export const DYNAMODB_ENDPOINT_VARIABLE = 'DYNAMODB_ENDPOINT'

/**
 * Runs a command (a test runner) with one DynamoDB Local started for the whole run, its
 * address in DYNAMODB_ENDPOINT, and stops it afterwards. Exits with the command's exit code.
 *
 * Usage: with-dynamodb <command> [args...]
 */
async function main(argv: string[]): Promise<number> {
  // The AWS SDK warns about Node.js 20 on every process; tests silence it, services do not.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

  const [command, ...args] = argv
  if (!command) {
    process.stderr.write('usage: with-dynamodb <command> [args...]\n')
    return 2
  }

  const local = await startDynamoDbLocal()
  try {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: {
        ...process.env,
        [DYNAMODB_ENDPOINT_VARIABLE]: local.endpoint,
      },
    })
    const forward = (signal: NodeJS.Signals) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)

    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
    })
  } finally {
    await local.stop()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`with-dynamodb: ${(err as Error).message}\n`)
    process.exit(1)
  },
)
