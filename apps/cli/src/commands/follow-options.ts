import type { Command } from 'commander'
import type { RunView } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { parseSeconds } from '../spec/option-values.js'
import { exitCodeFor, followRun } from '../watch/follow-run.js'

export interface FollowCommandOptions {
  interval: string
  metric?: string
  json?: boolean
}

/** Polling faster than this would spend the API's per-user rate limit on one watch. */
const MIN_INTERVAL_SECONDS = 0.5

/** Adds the options that control following a run until it ends. */
export function addFollowOptions(command: Command): Command {
  return command
    .option('--interval <seconds>', 'time between status polls, in seconds (at least 0.5)', '5')
    .option(
      '--metric <name>',
      "metric to show as it is reported; the run's first metric by default",
    )
}

/**
 * Follows a run to its end and sets the exit code from its final status. Progress lines go to
 * standard output for people, or to standard error under `--json`, where standard output gets
 * only the final run.
 */
export async function followAndExit(
  invocation: Invocation,
  runId: string,
  options: FollowCommandOptions,
  initial?: RunView,
): Promise<void> {
  const intervalMs = parseSeconds(options.interval, '--interval', MIN_INTERVAL_SECONDS) * 1000
  const write = options.json
    ? (line: string) => invocation.note(line)
    : (line: string) => invocation.print(`${line}\n`)

  const run = await followRun(
    invocation.api,
    runId,
    {
      intervalMs,
      ...(options.metric !== undefined && { metricName: options.metric }),
      write,
      warn: (message) => invocation.warn(message),
      sleep: invocation.context.sleep,
    },
    initial,
  )

  if (options.json) {
    invocation.printJson(run)
  }
  invocation.exitCode = exitCodeFor(run)
}
