import { isTerminal, type RunRecord, type RunRepository } from '@trainplane/shared'
import { RunNotFoundError, RunReportingClosedError } from '../errors.js'

/**
 * Reads the run a verified run token reports to and checks that it still accepts reports: a
 * run accepts them until it has been terminal for `graceSeconds`, so points sent just before
 * the end, and retried after it, still arrive.
 *
 * @throws RunNotFoundError when the run does not exist
 * @throws RunReportingClosedError when the run ended more than `graceSeconds` ago
 */
export async function loadReportingRun(
  runs: RunRepository,
  runId: string,
  graceSeconds: number,
  now = Date.now(),
): Promise<RunRecord> {
  const run = await runs.get(runId, { consistent: true })
  if (!run) {
    throw new RunNotFoundError(runId)
  }

  if (isTerminal(run.status)) {
    // NOTE: a terminal run without endedAt falls back to updatedAt, its last status change.
    const endedAt = Date.parse(run.endedAt ?? run.updatedAt)
    if (now - endedAt > graceSeconds * 1000) {
      throw new RunReportingClosedError(runId, graceSeconds)
    }
  }
  return run
}
