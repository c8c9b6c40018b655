import { Command, CommanderError } from 'commander'
import { registerActivity } from './commands/activity.js'
import { registerCancel } from './commands/cancel.js'
import { registerLogin } from './commands/login.js'
import { registerLogout } from './commands/logout.js'
import { registerLogs } from './commands/logs.js'
import { registerMetrics } from './commands/metrics.js'
import { registerProfile } from './commands/profile.js'
import { registerQueues } from './commands/queues.js'
import { registerResults } from './commands/results.js'
import { registerRuns } from './commands/runs.js'
import { registerStatus } from './commands/status.js'
import { registerSubmit } from './commands/submit.js'
import { registerWatch } from './commands/watch.js'
import { registerWhoami } from './commands/whoami.js'
import type { CliContext } from './context.js'
import { printError } from './error-output.js'
import { EXIT_SUCCESS, EXIT_USAGE } from './exit-codes.js'
import { Invocation } from './invocation.js'
import { CLI_VERSION } from './version.js'

/** Commander's codes for output that is not an error. */
const INFORMATION_CODES = new Set(['commander.helpDisplayed', 'commander.version'])

function buildProgram(invocation: Invocation): Command {
  const { stdout, stderr } = invocation.context
  const program = new Command('trainplane')

  program
    .description('Submit and follow distributed training runs on the trainplane API')
    .version(CLI_VERSION)
    .option(
      '--profile <name>',
      'profile in the config directory (env TRAINPLANE_PROFILE; default "default")',
    )
    .option('--api-url <url>', 'base URL of the API (env TRAINPLANE_API_URL)')
    .option('--region <region>', 'AWS Region of the user pool (env TRAINPLANE_REGION)')
    .option('--user-pool-id <id>', 'Cognito user pool id (env TRAINPLANE_USER_POOL_ID)')
    .option('--client-id <id>', 'Cognito app client id (env TRAINPLANE_CLIENT_ID)')
    .option(
      '--cognito-endpoint <url>',
      "Cognito API endpoint instead of the Region's, for cognito-local (env TRAINPLANE_COGNITO_ENDPOINT)",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
      // Commander's messages start with "error: "; the code makes them match the CLI's own.
      outputError: (text, write) => {
        const [first, ...rest] = text.trimEnd().split('\n')
        write(`${[`${first} (CLI_ERR_USAGE)`, ...rest].join('\n')}\n`)
      },
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 request failed, 2 invalid usage or input,
3 run FAILED and 4 run CANCELLED (under --wait, watch and logs --follow).`,
    )
    .hook('preAction', (_program, actionCommand) => invocation.useGlobalOptions(actionCommand))

  registerLogin(program, invocation)
  registerLogout(program, invocation)
  registerWhoami(program, invocation)
  registerQueues(program, invocation)
  registerSubmit(program, invocation)
  registerRuns(program, invocation)
  registerStatus(program, invocation)
  registerWatch(program, invocation)
  registerCancel(program, invocation)
  registerMetrics(program, invocation)
  registerLogs(program, invocation)
  registerResults(program, invocation)
  registerActivity(program, invocation)
  registerProfile(program, invocation)

  return program
}

/**
 * Runs the CLI with the arguments after the program name.
 *
 * @returns the exit code: see docs/cli.md
 */
export async function runCli(args: readonly string[], context: CliContext): Promise<number> {
  const invocation = new Invocation(context)
  const program = buildProgram(invocation)

  try {
    await program.parseAsync([...args], { from: 'user' })
    return invocation.exitCode
  } catch (err) {
    if (err instanceof CommanderError) {
      if (INFORMATION_CODES.has(err.code)) return EXIT_SUCCESS
      // Commander exits 0 for `help` and 1 for a missing subcommand, after printing the help.
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT_SUCCESS : EXIT_USAGE
      return EXIT_USAGE
    }
    return printError(context, err)
  }
}
