import type { Command } from 'commander'
import type { RunResults } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { renderTable } from '../output/table.js'
import { formatTime } from '../output/text.js'
import { runPath } from './run-argument.js'

export function registerResults(program: Command, invocation: Invocation): void {
  program
    .command('results')
    .description('Show the final results a run reported')
    .argument('<run>', 'run id')
    .option('--json', 'print the results as JSON')
    .action(async (runId: string, options: { json?: boolean }) => {
      const results = await invocation.api.get<RunResults>(runPath(runId, '/results'))

      if (options.json) {
        invocation.printJson(results)
        return
      }
      const rows = flatten(results.results)
      invocation.print(
        `Results of run ${results.runId}, reported ${formatTime(results.reportedAt)}:\n`,
      )
      invocation.print(
        rows.length === 0
          ? 'No values.\n'
          : renderTable(rows, [
              { header: 'key', cell: ([key]) => key },
              { header: 'value', cell: ([, value]) => value, maxWidth: 100 },
            ]),
      )
    })
}

/** Nested objects become dotted keys (`eval.accuracy`); arrays are shown as JSON. */
function flatten(value: Record<string, unknown>, prefix = ''): [string, string][] {
  const rows: [string, string][] = []
  for (const [key, entry] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      rows.push(...flatten(entry as Record<string, unknown>, path))
    } else {
      rows.push([path, typeof entry === 'string' ? entry : JSON.stringify(entry)])
    }
  }
  return rows
}
