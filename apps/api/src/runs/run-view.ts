import type { RunRecord } from '@trainplane/shared'
import type { Static } from 'typebox'
import type { Principal } from '../auth/principal.js'
import type { RunSummarySchema, RunViewSchema } from '../schemas/run.js'

export type RunSummary = Static<typeof RunSummarySchema>
export type RunView = Static<typeof RunViewSchema>

/**
 * Copies the fields of a stored run that clients see, by name. Worker leases, index keys, the
 * status rank and the notification marker stay internal, and a new internal field stays hidden
 * until it is added here.
 */
export function toRunSummary(run: RunRecord): RunSummary {
  return {
    runId: run.runId,
    userId: run.userId,
    ...(run.userEmail !== undefined && { userEmail: run.userEmail }),
    ...(run.shareIdentifier !== undefined && { shareIdentifier: run.shareIdentifier }),
    spec: run.spec,
    status: run.status,
    attempt: run.attempt,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(run.jobId !== undefined && { jobId: run.jobId }),
    ...(run.jobName !== undefined && { jobName: run.jobName }),
    ...(run.batchStatus !== undefined && { batchStatus: run.batchStatus }),
    ...(run.statusReason !== undefined && { statusReason: run.statusReason }),
    ...(run.exitCode !== undefined && { exitCode: run.exitCode }),
    ...(run.startedAt !== undefined && { startedAt: run.startedAt }),
    ...(run.stoppedAt !== undefined && { stoppedAt: run.stoppedAt }),
    ...(run.endReason !== undefined && { endReason: run.endReason }),
    ...(run.endDetail !== undefined && { endDetail: run.endDetail }),
    ...(run.endedAt !== undefined && { endedAt: run.endedAt }),
    ...(run.cancelRequestedAt !== undefined && { cancelRequestedAt: run.cancelRequestedAt }),
    ...(run.cancelKind !== undefined && { cancelKind: run.cancelKind }),
    ...(run.logStreams !== undefined && { logStreams: run.logStreams }),
  }
}

/** A run with its status history, as GET /v1/runs/:id returns it. */
export function toRunView(run: RunRecord): RunView {
  return {
    ...toRunSummary(run),
    history: run.history.map((entry) => ({
      status: entry.status,
      attempt: entry.attempt,
      at: entry.at,
      ...(entry.reason !== undefined && { reason: entry.reason }),
    })),
  }
}

/**
 * Decides whether a caller may see a run: its owner and admins may. Everyone else gets the 404
 * of a run that does not exist, so run ids reveal nothing.
 */
export function canAccessRun(principal: Principal, run: RunRecord): boolean {
  return principal.isAdmin || run.userId === principal.userId
}
