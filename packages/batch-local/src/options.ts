import type { Logger } from 'pino'
import type { EventDeliveryOptions } from './events/lambda-event-publisher.js'

/** Options of startBatchLocal. */
export interface BatchLocalOptions {
  /** TCP port of the API, or 0 for a free one. @default 0 */
  port?: number
  /** Address to listen on. @default '127.0.0.1' */
  host?: string
  /** Region written into ARNs and events. @default 'us-east-1' */
  region?: string
  /** Account id written into ARNs and events. @default '000000000000' */
  accountId?: string
  /**
   * Folder for `state.json` and the node logs. Job definitions, queues, scheduling policies,
   * jobs and logs survive a restart. Without it, everything is kept in memory only.
   */
  stateDir?: string
  /** Delivery settings of "Batch Job State Change" events. Without them, no event is sent. */
  events?: EventDeliveryOptions
  /**
   * Factor applied to job-time durations, which are the `attemptDurationSeconds` timeouts.
   * 0.01 makes a 60 s timeout fire after 0.6 s. @default 1
   */
  timeScale?: number
  /** Time in ms between status steps (SUBMITTED to RUNNABLE, RUNNABLE to STARTING, STARTING to a node's start). @default 250 */
  stepDelayMs?: number
  /** Time in ms between SIGTERM and SIGKILL when a node is stopped, as ECS's stop timeout. @default 2000 */
  stopTimeoutMs?: number
  /** Maximum time in ms that close() waits for queued events to be delivered. @default 5000 */
  eventDrainTimeoutMs?: number
  /** Working directory of the node processes. @default process.cwd() */
  workingDirectory?: string
  /**
   * Variables every node starts with, before the job's environment and the Batch variables.
   * @default PATH, HOME, LANG, LC_ALL, TMPDIR and TZ from batch-local's own environment
   */
  baseEnvironment?: Record<string, string>
  /** pino logger. @default a pino logger named batch-local, at level info, on stdout */
  logger?: Logger
}

/** An invalid option of startBatchLocal or of the batch-local command. */
export class BatchLocalConfigurationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}

/** Raises BatchLocalConfigurationError naming the first invalid option. */
export function validateOptions(options: BatchLocalOptions): void {
  const { port } = options
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new BatchLocalConfigurationError(`port must be an integer from 0 to 65535 (got ${port}).`)
  }
  if (
    options.timeScale !== undefined &&
    !(options.timeScale > 0 && Number.isFinite(options.timeScale))
  ) {
    throw new BatchLocalConfigurationError(
      `timeScale must be a positive number (got ${options.timeScale}).`,
    )
  }
  for (const name of ['stepDelayMs', 'stopTimeoutMs', 'eventDrainTimeoutMs'] as const) {
    const value = options[name]
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) {
      throw new BatchLocalConfigurationError(
        `${name} must be a non-negative number (got ${value}).`,
      )
    }
  }
  if (options.events !== undefined) {
    if (!/^https?:\/\//.test(options.events.endpoint)) {
      throw new BatchLocalConfigurationError(
        `events.endpoint must be an http:// or https:// URL (got ${JSON.stringify(options.events.endpoint)}).`,
      )
    }
    if (options.events.functionName === '') {
      throw new BatchLocalConfigurationError('events.functionName must not be empty.')
    }
  }
}
