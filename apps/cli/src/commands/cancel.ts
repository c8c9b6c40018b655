import type { Command } from 'commander'
import type { RunView } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { addFollowOptions, type FollowCommandOptions, followAndExit } from './follow-options.js'
import { runPath } from './run-argument.js'

interface CancelOptions extends FollowCommandOptions {
  wait?: boolean
}

export function registerCancel(program: Command, invocation: Invocation): void {
  const command = program
    .command('cancel')
    .description(
      'Cancel a run: a run without a Batch job ends at once, otherwise the worker stops its job',
    )
    .argument('<run>', 'run id')
    .option('--wait', 'follow the run until it ends; the exit code then reflects its status')
    .option('--json', 'print the run as JSON (with --wait, the final run)')

  addFollowOptions(command).action(async (runId: string, options: CancelOptions) => {
    const run = await invocation.api.post<RunView>(runPath(runId, '/cancel'))

    if (!options.json) {
      invocation.print(
        run.status === 'CANCELLED'
          ? `Run ${run.runId} is CANCELLED.\n`
          : `Cancel requested for run ${run.runId}; it is ${run.status} until its Batch job stops.\n`,
      )
    }
    if (options.wait) {
      await followAndExit(invocation, run.runId, options, run)
      return
    }
    if (options.json) {
      invocation.printJson(run)
    }
  })
}
