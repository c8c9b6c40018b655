import { isRunId, type RunRecord, type RunRepository } from '@trainplane/shared'
import type { Principal } from '../auth/principal.js'
import { RunNotFoundError } from '../errors.js'
import { canAccessRun } from './run-view.js'

/**
 * Reads a run the caller may see, with a strongly consistent read so a run just submitted is
 * found. A malformed id, a missing run and another user's run all raise the same 404.
 *
 * @throws RunNotFoundError
 */
export async function loadVisibleRun(
  runs: RunRepository,
  principal: Principal,
  runId: string,
): Promise<RunRecord> {
  const run = isRunId(runId) ? await runs.get(runId, { consistent: true }) : undefined
  if (!run || !canAccessRun(principal, run)) {
    throw new RunNotFoundError(runId)
  }
  return run
}
