import type { Logger } from 'pino'
import { ConditionFailedError } from '../errors.js'
import type { RunNotifier } from '../notify/run-notifier.js'
import type { RunDetails, RunRecord } from '../repositories/run-record.js'
import type { RunRepository } from '../repositories/run-repository.js'
import type { EndReason, TerminalStatus } from './run-status.js'

export interface RunOutcome {
  status: TerminalStatus
  attempt: number
  endReason: EndReason
  endDetail?: string
  details?: RunDetails
}

export interface FinishDependencies {
  runs: RunRepository
  notifier: RunNotifier
  logger: Logger
}

export type FinishResult = { won: true; run: RunRecord; notified: boolean } | { won: false }

/**
 * Ends a run: the conditional terminal write from the position the caller read, then, only for
 * the caller whose write won, the notification. The notification itself is guarded by a
 * conditional `notifiedAt` write, so a run notifies once even if two finishers both believe
 * they won.
 *
 * NOTE: a finisher that dies between its terminal write and Publish leaves the run without a
 * notification; the status and end reason are stored either way.
 */
export async function finishRun(
  deps: FinishDependencies,
  run: RunRecord,
  outcome: RunOutcome,
  now = new Date(),
): Promise<FinishResult> {
  const at = now.toISOString()
  let finished: RunRecord
  try {
    finished = await deps.runs.transition(run.runId, run, {
      status: outcome.status,
      attempt: outcome.attempt,
      at,
      reason: outcome.endDetail ?? outcome.endReason,
      details: {
        ...outcome.details,
        endReason: outcome.endReason,
        ...(outcome.endDetail !== undefined && { endDetail: outcome.endDetail }),
        endedAt: at,
      },
    })
  } catch (err) {
    if (err instanceof ConditionFailedError) {
      return { won: false }
    }
    throw err
  }

  const log = deps.logger.child({ runId: run.runId, userId: run.userId })
  log.info({ status: finished.status, endReason: finished.endReason }, 'run ended')

  if (!(await deps.runs.markNotified(run.runId, at))) {
    return { won: true, run: finished, notified: false }
  }

  try {
    await deps.notifier.notifyRunEnded(finished)
  } catch (err) {
    log.error({ err }, 'run end notification failed')
    return { won: true, run: finished, notified: false }
  }
  return { won: true, run: finished, notified: true }
}
