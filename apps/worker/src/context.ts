import type { BatchClient } from '@aws-sdk/client-batch'
import type { RunNotifier, RunRepository } from '@trainplane/shared'
import type { Logger } from 'pino'
import type { QueueJobTypes } from './batch/job-definitions.js'
import type { WorkerConfig } from './config.js'
import type { FaultHooks } from './faults.js'
import type { SubmitRateLimiter } from './rate-limit/submit-rate-limiter.js'
import type { ThrottleBackoff } from './rate-limit/throttle-backoff.js'

/** Dependencies and settings of every loop step, built once by the worker. */
export interface WorkerContext {
  config: WorkerConfig
  batch: BatchClient
  /** Makes one attempt per call; used for SubmitJob only. */
  submitBatch: BatchClient
  runs: RunRepository
  notifier: RunNotifier
  logger: Logger
  limiter: SubmitRateLimiter
  backoff: ThrottleBackoff
  jobTypes: QueueJobTypes
  /** The time leases and queue waits are measured with; tests move it forward. */
  clock: () => Date
  faults: FaultHooks
  /** Aborts when the worker stops: steps finish what they started and take nothing new. */
  signal: AbortSignal
}

/** Lease length in milliseconds. */
export function leaseMs(context: WorkerContext): number {
  return context.config.leaseSeconds * 1000
}

/**
 * Returns how long one SubmitJob call may take before the worker stops waiting for it. A call
 * is only started while the lease has at least twice this left, so it ends, one way or the
 * other, before another replica can take the run over and look for its job.
 */
export function submitTimeoutMs(context: WorkerContext): number {
  return Math.min(10_000, Math.floor(leaseMs(context) / 4))
}
