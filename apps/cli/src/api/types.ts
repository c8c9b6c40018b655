import type { EndReason, RunSpec, RunStatus } from '@trainplane/shared'

/** One page of a listing; pass `nextCursor` as `cursor` for the next one. */
export interface Page<T> {
  items: T[]
  nextCursor?: string
}

export interface StatusHistoryEntry {
  status: RunStatus
  attempt: number
  at: string
  reason?: string
}

/** A run as GET /v1/runs lists it. */
export interface RunSummary {
  runId: string
  userId: string
  userEmail?: string
  spec: RunSpec
  status: RunStatus
  attempt: number
  createdAt: string
  updatedAt: string
  jobId?: string
  batchStatus?: string
  statusReason?: string
  exitCode?: number
  startedAt?: string
  stoppedAt?: string
  endReason?: EndReason
  endDetail?: string
  endedAt?: string
  cancelRequestedAt?: string
}

/** A run with its status history, as GET /v1/runs/:id and the submit and cancel routes return it. */
export interface RunView extends RunSummary {
  history: StatusHistoryEntry[]
}

export interface ActivityItem {
  at: string
  action: string
  runId?: string
  requestId?: string
  sourceIp?: string
}

export interface QueueView {
  name: string
  description?: string
  maxNodes: number
  gpusPerNode: number
  vcpusPerNode: number
  memoryMiBPerNode: number
  spot: boolean
  fairShare: boolean
  maxRunnableSeconds: number
  maxTimeoutSeconds: number
  pricePerGpuHour: number
  allowedImagePrefixes: string[]
}

export interface UserProfile {
  userId: string
  username?: string
  email?: string
  groups: string[]
  isAdmin: boolean
  shareIdentifier: string
  createdAt: string
  lastSeenAt?: string
}

/** One metric point, as the training code reported it. */
export interface MetricPoint {
  name: string
  step: number
  value: number
  at?: string
}

export interface RunResults {
  runId: string
  results: Record<string, unknown>
  reportedAt: string
}

/** One line of a node's log. */
export interface LogLine {
  timestamp: string
  message: string
}

/** A page of a node's log, as GET /v1/runs/:id/logs returns it. */
export interface LogPage {
  runId: string
  node: number
  attempt: number
  runStatus: RunStatus
  status: 'AVAILABLE' | 'NOT_STARTED' | 'NO_STREAM_YET'
  lines: LogLine[]
  nextCursor?: string
}
