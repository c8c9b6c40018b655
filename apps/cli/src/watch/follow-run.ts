import type { ApiClient } from '../api/api-client.js'
import type { RunView, StatusHistoryEntry } from '../api/types.js'
import { ApiResponseError, LoginRequiredError } from '../errors.js'
import { EXIT_RUN_CANCELLED, EXIT_RUN_FAILED, EXIT_SUCCESS } from '../exit-codes.js'
import { formatTime, printable } from '../output/text.js'
import { loadShared } from '../shared-module.js'
import { LatestMetric } from './latest-metric.js'

export interface FollowOptions {
  /** Time between polls, in milliseconds. */
  intervalMs: number
  /** Metric to show; the run's first metric when absent. */
  metricName?: string
  /** Writes one progress line. */
  write: (line: string) => void
  warn: (message: string) => void
  sleep: (ms: number) => Promise<void>
}

/**
 * Polls that may fail in a row (after the API client's own retries) before following stops,
 * so a short outage of the API does not end a watch of a run that takes hours.
 */
const MAX_FAILED_POLLS = 5

/**
 * Follows a run until it ends: prints each new status history entry and each new latest value
 * of a metric, then a line saying how the run ended.
 *
 * @param initial - the run as already read, such as the response to a submission
 * @returns the run in its terminal status
 */
export async function followRun(
  api: ApiClient,
  runId: string,
  options: FollowOptions,
  initial?: RunView,
): Promise<RunView> {
  const { isTerminal } = await loadShared()
  const path = `/v1/runs/${encodeURIComponent(runId)}`
  const metric = new LatestMetric(api, runId, options.metricName, options.warn)

  let run = initial ?? (await api.get<RunView>(path))
  let printedEntries = 0
  let failedPolls = 0

  for (;;) {
    for (const entry of run.history.slice(printedEntries)) {
      options.write(describeHistoryEntry(entry))
    }
    printedEntries = Math.max(printedEntries, run.history.length)

    const point = await metric.poll()
    if (point !== undefined) {
      options.write(
        `${formatTime(point.at)}  ${printable(point.name)} = ${point.value} at step ${point.step}`,
      )
    }

    if (isTerminal(run.status)) {
      options.write(describeEnd(run))
      return run
    }

    await options.sleep(options.intervalMs)
    try {
      run = await api.get<RunView>(path)
      failedPolls = 0
    } catch (err) {
      failedPolls++
      const permanent =
        err instanceof LoginRequiredError ||
        (err instanceof ApiResponseError &&
          err.status >= 400 &&
          err.status < 500 &&
          err.status !== 429)
      if (permanent || failedPolls >= MAX_FAILED_POLLS) {
        throw err
      }
      options.warn(`reading run ${runId} failed (${(err as Error).message}); retrying`)
    }
  }
}

/** Exit code of a finished run under `--wait` and `watch`. */
export function exitCodeFor(run: RunView): number {
  switch (run.status) {
    case 'SUCCEEDED':
      return EXIT_SUCCESS
    case 'CANCELLED':
      return EXIT_RUN_CANCELLED
    default:
      return EXIT_RUN_FAILED
  }
}

function describeHistoryEntry(entry: StatusHistoryEntry): string {
  const attempt = entry.attempt > 0 ? `  attempt ${entry.attempt}` : ''
  const reason = entry.reason ? `  ${printable(entry.reason)}` : ''
  return `${formatTime(entry.at)}  ${entry.status}${attempt}${reason}`
}

/** Describes how a run ended, such as `run run-… ended FAILED: APPLICATION_ERROR, exit code 1`. */
export function describeEnd(run: RunView): string {
  const details = [
    run.endReason,
    run.exitCode !== undefined ? `exit code ${run.exitCode}` : undefined,
    run.endDetail !== undefined ? printable(run.endDetail) : undefined,
  ].filter((part) => part !== undefined)
  return `run ${run.runId} ended ${run.status}${details.length > 0 ? `: ${details.join(', ')}` : ''}`
}
