export { inspectJobDefinitions, type QueueJobTypes } from './batch/job-definitions.js'
export { BATCH_JOB_NAME_PATTERN, jobNameFor } from './batch/job-name.js'
export { EVALUATE_ON_EXIT, retryStrategyFor } from './batch/retry-strategy.js'
export {
  buildSubmitJobRequest,
  type JobType,
  MASTER_PORT,
  MAX_SUBMIT_REQUEST_BYTES,
  PLATFORM_TAGS,
  type SubmitRequestInput,
} from './batch/submit-request.js'
export {
  type BatchClientOptions,
  createBatchClient,
  createWorkerClients,
  type WorkerClients,
} from './clients.js'
export {
  BATCH_SUBMIT_QUOTA_PER_SECOND,
  DEFAULT_SUBMIT_RATE_PER_SECOND,
  loadConfig,
  type WorkerConfig,
} from './config.js'
export * from './errors.js'
export { type FaultHooks, type FaultPoint, SimulatedCrashError } from './faults.js'
export type { CancelSummary } from './loops/cancel.js'
export type { DispatchSummary } from './loops/dispatch.js'
export type { MonitorSummary } from './loops/monitor.js'
export type { ReconcileSummary } from './loops/reconcile.js'
export { SubmitRateLimiter } from './rate-limit/submit-rate-limiter.js'
export { createWorker, startWorker, Worker, type WorkerOptions } from './worker.js'
