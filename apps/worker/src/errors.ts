import { TrainplaneError } from '@trainplane/shared'

/**
 * Stable codes of the worker's errors. Each appears as `code` in the worker's log lines, and
 * docs/errors.md lists what it means and what to do.
 */
export const WORKER_ERROR_CODES = [
  'WORKER_CONFIG_INVALID',
  'WORKER_JOB_DEFINITION_MISMATCH',
  'WORKER_QUEUE_NOT_IN_CATALOG',
  'WORKER_RUN_INVALID_FOR_QUEUE',
  'WORKER_SHARE_IDENTIFIER_MISSING',
  'WORKER_SUBMISSION_REJECTED',
] as const

export type WorkerErrorCode = (typeof WORKER_ERROR_CODES)[number]

/** Base class of the worker's errors: a stable code beside the message. */
export class WorkerError extends TrainplaneError {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** A missing or invalid environment variable, found at start. */
export class WorkerConfigError extends WorkerError {
  constructor(
    readonly variable: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('WORKER_CONFIG_INVALID', `${variable} ${message}`, options)
  }
}

/** A queue's Batch job definition that cannot run what the queue catalog promises. */
export class JobDefinitionMismatchError extends WorkerError {
  constructor(
    readonly queue: string,
    readonly jobDefinition: string,
    problem: string,
  ) {
    super(
      'WORKER_JOB_DEFINITION_MISMATCH',
      `job definition ${jobDefinition} of queue ${queue} ${problem}`,
    )
  }
}

/**
 * A run the worker cannot turn into a SubmitJob request, or one that Batch rejected. The run
 * ends FAILED with end reason SUBMISSION_REJECTED and this message as its end detail.
 */
export class SubmissionRejectedError extends WorkerError {
  constructor(
    code: Extract<
      WorkerErrorCode,
      | 'WORKER_QUEUE_NOT_IN_CATALOG'
      | 'WORKER_RUN_INVALID_FOR_QUEUE'
      | 'WORKER_SHARE_IDENTIFIER_MISSING'
      | 'WORKER_SUBMISSION_REJECTED'
    >,
    readonly runId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options)
  }
}
