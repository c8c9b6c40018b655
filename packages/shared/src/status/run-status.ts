/**
 * The platform's run status machine.
 *
 * A run's position is ordered by (attempt, rank): a Batch retry that sends the job back to
 * RUNNABLE with a higher attempt is progress, while a late event of an earlier attempt, or of
 * an earlier status in the same attempt, changes nothing. Terminal statuses are final.
 */

export const RUN_STATUSES = [
  'QUEUED',
  'SUBMITTING',
  'SUBMITTED',
  'RUNNABLE',
  'STARTING',
  'RUNNING',
  'CANCELLING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
] as const

export type RunStatus = (typeof RUN_STATUSES)[number]

export const TERMINAL_STATUSES = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
] as const satisfies readonly RunStatus[]
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number]

/** Statuses in which a Batch job exists or may exist, which the monitor follows. */
export const ACTIVE_STATUSES = [
  'SUBMITTING',
  'SUBMITTED',
  'RUNNABLE',
  'STARTING',
  'RUNNING',
  'CANCELLING',
] as const satisfies readonly RunStatus[]

/**
 * Rank within one attempt. CANCELLING ranks above every running status so that Batch's
 * progress events do not hide the user's request; terminal statuses share the top rank.
 */
export const STATUS_RANK: Readonly<Record<RunStatus, number>> = {
  QUEUED: 0,
  SUBMITTING: 1,
  SUBMITTED: 2,
  RUNNABLE: 3,
  STARTING: 4,
  RUNNING: 5,
  CANCELLING: 6,
  SUCCEEDED: 9,
  FAILED: 9,
  CANCELLED: 9,
}

/** Why a run ended. */
export const END_REASONS = [
  'COMPLETED',
  'APPLICATION_ERROR',
  'NODE_FAILED',
  'TIMEOUT',
  'HOST_LOST',
  'USER_CANCELLED',
  'SUBMISSION_REJECTED',
  'QUEUE_TIMEOUT',
  'UNKNOWN',
] as const

export type EndReason = (typeof END_REASONS)[number]

export interface StatusPosition {
  status: RunStatus
  /** Batch attempt, 1-based; 0 before the run has a Batch job. */
  attempt: number
}

const terminal = new Set<RunStatus>(TERMINAL_STATUSES)

export function isTerminal(status: RunStatus): status is TerminalStatus {
  return terminal.has(status)
}

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value)
}

/**
 * The edges of the run lifecycle, by status. Rank order alone would allow skips that make no
 * sense (QUEUED straight to RUNNING), so the edges are listed.
 */
const EDGES: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  QUEUED: ['SUBMITTING', 'CANCELLED', 'FAILED'],
  SUBMITTING: ['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'CANCELLING', ...TERMINAL_STATUSES],
  SUBMITTED: ['RUNNABLE', 'STARTING', 'RUNNING', 'CANCELLING', ...TERMINAL_STATUSES],
  RUNNABLE: ['STARTING', 'RUNNING', 'CANCELLING', ...TERMINAL_STATUSES],
  STARTING: ['RUNNING', 'CANCELLING', ...TERMINAL_STATUSES],
  RUNNING: ['CANCELLING', ...TERMINAL_STATUSES],
  CANCELLING: TERMINAL_STATUSES,
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
}

/** Statuses a Batch retry may send a run back to, in a later attempt. */
const RETRY_TARGETS = new Set<RunStatus>([
  'SUBMITTED',
  'RUNNABLE',
  'STARTING',
  'RUNNING',
  'CANCELLING',
])

/** Compares two positions: negative when `a` comes before `b`, 0 when equal. */
export function comparePositions(a: StatusPosition, b: StatusPosition): number {
  const aTerminal = isTerminal(a.status)
  const bTerminal = isTerminal(b.status)
  if (aTerminal !== bTerminal) {
    return aTerminal ? 1 : -1
  }
  if (aTerminal && bTerminal) {
    return 0
  }
  if (a.attempt !== b.attempt) {
    return a.attempt - b.attempt
  }
  return STATUS_RANK[a.status] - STATUS_RANK[b.status]
}

/**
 * Whether a run may move from `from` to `to`. A move forward within an attempt must follow an
 * edge of the lifecycle; a later attempt may re-enter any running status.
 */
export function canTransition(from: StatusPosition, to: StatusPosition): boolean {
  if (isTerminal(from.status)) {
    return false
  }
  if (comparePositions(to, from) <= 0) {
    return false
  }
  if (to.attempt > from.attempt && from.attempt > 0 && RETRY_TARGETS.has(to.status)) {
    return true
  }
  return EDGES[from.status].includes(to.status)
}
