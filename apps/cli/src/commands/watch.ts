import type { Command } from 'commander'
import type { Invocation } from '../invocation.js'
import { addFollowOptions, type FollowCommandOptions, followAndExit } from './follow-options.js'
import { runPath } from './run-argument.js'

export function registerWatch(program: Command, invocation: Invocation): void {
  const command = program
    .command('watch')
    .description(
      'Follow a run until it ends, printing each status change and the latest metric value',
    )
    .argument('<run>', 'run id')
    .option('--json', 'print progress to standard error and the final run as JSON')

  addFollowOptions(command)
    .addHelpText(
      'after',
      `
Exit codes: 0 when the run SUCCEEDED, 3 when it FAILED, 4 when it was CANCELLED.`,
    )
    .action(async (runId: string, options: FollowCommandOptions) => {
      runPath(runId)
      await followAndExit(invocation, runId, options)
    })
}
