import { ConditionFailedError } from '../errors.js'
import type { RunDetails, RunRecord } from '../repositories/run-record.js'
import {
  type BatchJobView,
  type BatchNodeView,
  type MappedBatchState,
  mapBatchJob,
} from './batch-mapping.js'
import { type FinishDependencies, finishRun } from './finish.js'
import { canTransition, isTerminal } from './run-status.js'

export type ApplyResult =
  | { outcome: 'unknown-run' }
  | { outcome: 'unchanged'; run: RunRecord }
  | { outcome: 'advanced'; run: RunRecord }
  | { outcome: 'finished'; run: RunRecord; notified: boolean }

/** Retries after a lost conditional write; each retry re-reads the run. */
const MAX_APPLY_ATTEMPTS = 5

function isoTime(epochMs: number | undefined): string | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs).toISOString()
}

function detailsOf(job: BatchJobView, mapped: MappedBatchState): RunDetails {
  return {
    batchStatus: mapped.batchStatus,
    ...(mapped.statusReason !== undefined && { statusReason: mapped.statusReason }),
    ...(mapped.exitCode !== undefined && { exitCode: mapped.exitCode }),
    ...(job.startedAt !== undefined && { startedAt: isoTime(job.startedAt) }),
    ...(job.stoppedAt !== undefined && { stoppedAt: isoTime(job.stoppedAt) }),
  }
}

/**
 * Applies a Batch job's state to its run, through the shared mapping and the finish step. The
 * worker's monitor loop and the batch-events Lambda both end here, so duplicated, late and
 * reordered observations never move a run backwards and a run notifies once.
 *
 * @param runId - the run the job belongs to
 * @param job - the job as DescribeJobs or the state-change event shows it
 * @param nodes - per-node details of a failed multi-node job, to name the node that died
 * @param extra - further details to store with a change, such as log stream names
 * @param mainNode - index of the main node of a multi-node job
 */
export async function applyBatchJob(
  deps: FinishDependencies,
  runId: string,
  job: BatchJobView,
  nodes: readonly BatchNodeView[] = [],
  extra: RunDetails = {},
  mainNode = 0,
): Promise<ApplyResult> {
  for (let attempt = 1; ; attempt++) {
    const run = await deps.runs.get(runId, { consistent: true })
    if (!run) {
      return { outcome: 'unknown-run' }
    }
    if (isTerminal(run.status)) {
      return { outcome: 'unchanged', run }
    }

    const intent = run.cancelKind && run.cancelRequestedAt ? { kind: run.cancelKind } : undefined
    const mapped = mapBatchJob(job, intent, nodes, mainNode)
    if (!mapped || !canTransition(run, mapped)) {
      return { outcome: 'unchanged', run }
    }

    const details = { ...detailsOf(job, mapped), ...extra }
    try {
      if (isTerminal(mapped.status)) {
        const result = await finishRun(deps, run, {
          status: mapped.status,
          attempt: mapped.attempt,
          endReason: mapped.endReason ?? 'UNKNOWN',
          ...(mapped.endDetail !== undefined && { endDetail: mapped.endDetail }),
          details,
        })
        if (result.won) {
          return { outcome: 'finished', run: result.run, notified: result.notified }
        }
      } else {
        const advanced = await deps.runs.transition(runId, run, {
          status: mapped.status,
          attempt: mapped.attempt,
          at: new Date().toISOString(),
          ...(mapped.statusReason !== undefined && { reason: mapped.statusReason }),
          details,
        })
        return { outcome: 'advanced', run: advanced }
      }
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err
    }

    if (attempt >= MAX_APPLY_ATTEMPTS) {
      const latest = await deps.runs.get(runId, { consistent: true })
      return latest ? { outcome: 'unchanged', run: latest } : { outcome: 'unknown-run' }
    }
  }
}
