import type { Command } from 'commander'
import type { LogLine, RunView } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { formatTime, printable } from '../output/text.js'
import { parseSeconds, parseWholeNumber } from '../spec/option-values.js'
import { describeEnd, exitCodeFor } from '../watch/follow-run.js'
import { readNodeLog } from '../watch/read-node-log.js'
import { runPath } from './run-argument.js'

interface LogsOptions {
  node: string
  attempt?: string
  follow?: boolean
  interval: string
  json?: boolean
}

/** Polling faster than this would spend the API's per-user rate limit on one follower. */
const MIN_INTERVAL_SECONDS = 0.5

export function registerLogs(program: Command, invocation: Invocation): void {
  program
    .command('logs')
    .description("Print a node's log lines, oldest first")
    .argument('<run>', 'run id')
    .option('--node <index>', 'node index, from 0', '0')
    .option('--attempt <number>', "Batch attempt, from 1 (default: the run's current attempt)")
    .option('-f, --follow', 'keep printing new lines until the run ends')
    .option('--interval <seconds>', 'time between polls under --follow, in seconds', '2')
    .option('--json', 'print each line as a JSON object ({ timestamp, message }), one a line')
    .addHelpText(
      'after',
      `
Exit codes under --follow: 0 when the run SUCCEEDED, 3 when it FAILED, 4 when it was CANCELLED.`,
    )
    .action(async (runId: string, options: LogsOptions) => {
      const path = runPath(runId)
      const node = parseWholeNumber(options.node, '--node')
      const attempt =
        options.attempt === undefined ? undefined : parseWholeNumber(options.attempt, '--attempt')
      const intervalMs = parseSeconds(options.interval, '--interval', MIN_INTERVAL_SECONDS) * 1000
      const writeLine = options.json
        ? (line: LogLine) => invocation.print(`${JSON.stringify(line)}\n`)
        : (line: LogLine) =>
            invocation.print(`${formatTime(line.timestamp)}  ${printable(line.message)}\n`)

      await readNodeLog(invocation.api, runId, {
        node,
        ...(attempt !== undefined && { attempt }),
        follow: options.follow === true,
        intervalMs,
        writeLine,
        note: (message) => invocation.note(message),
        sleep: invocation.context.sleep,
      })

      if (options.follow) {
        const run = await invocation.api.get<RunView>(path)
        invocation.note(describeEnd(run))
        invocation.exitCode = exitCodeFor(run)
      }
    })
}
