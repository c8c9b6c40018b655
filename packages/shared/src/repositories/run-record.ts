import type { RunSpec } from '../run/run-spec.js'
import type { EndReason, RunStatus } from '../status/run-status.js'

/** One entry of a run's status history. */
export interface StatusHistoryEntry {
  status: RunStatus
  attempt: number
  at: string
  reason?: string
}

/** How the platform asked Batch to stop a run's job. */
export type CancelKind = 'USER' | 'QUEUE_TIMEOUT'

/** A run as stored in the runs table. */
export interface RunRecord {
  runId: string
  userId: string
  userEmail?: string
  /** Fair-share identifier from the user's group, passed to Batch on fair-share queues. */
  shareIdentifier?: string
  spec: RunSpec
  status: RunStatus
  attempt: number
  rank: number
  createdAt: string
  updatedAt: string
  /** `<createdAt>#<runId>`: sort key of every listing index, newest first when read backwards. */
  createdKey: string
  listPartition: string
  history: StatusHistoryEntry[]
  jobId?: string
  jobName?: string
  batchStatus?: string
  statusReason?: string
  exitCode?: number
  startedAt?: string
  stoppedAt?: string
  endReason?: EndReason
  endDetail?: string
  endedAt?: string
  notifiedAt?: string
  cancelRequestedAt?: string
  cancelKind?: CancelKind
  leaseOwner?: string
  /** Epoch milliseconds. */
  leaseExpiresAt?: number
  /** Log stream name per node index, as Batch reports them: the latest attempt's. */
  logStreams?: Record<string, string>
  /** Log stream names by Batch attempt number (from 1), then by node index. */
  logStreamsByAttempt?: Record<string, Record<string, string>>
}

/** Fields a transition may set beside the status itself. */
export type RunDetails = Partial<
  Pick<
    RunRecord,
    | 'jobId'
    | 'jobName'
    | 'batchStatus'
    | 'statusReason'
    | 'exitCode'
    | 'startedAt'
    | 'stoppedAt'
    | 'endReason'
    | 'endDetail'
    | 'endedAt'
    | 'logStreams'
    | 'logStreamsByAttempt'
  >
>
