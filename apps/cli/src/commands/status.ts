import type { Command } from 'commander'
import type { RunView } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { renderRun } from '../output/run-format.js'
import { runPath } from './run-argument.js'

export function registerStatus(program: Command, invocation: Invocation): void {
  program
    .command('status')
    .description('Show a run: its spec, status, why it ended, and its status history')
    .argument('<run>', 'run id, such as run-01jc5f3q8zj3kdx7v2m4n6p8r0')
    .option('--json', 'print the run as JSON')
    .action(async (runId: string, options: { json?: boolean }) => {
      const run = await invocation.api.get<RunView>(runPath(runId))
      if (options.json) {
        invocation.printJson(run)
        return
      }
      invocation.print(renderRun(run))
    })
}
