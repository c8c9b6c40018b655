import { TrainplaneError } from '@trainplane/shared'

/**
 * Errors of the triggers app. Each has a stable `code`, listed in docs/errors.md. The local
 * servers return the error codes of the AWS APIs they stand in for, because the AWS SDK
 * parses those codes into its own exception classes.
 */
export class TriggersError extends TrainplaneError {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/**
 * An event that batch-events cannot use: not a "Batch Job State Change" event, or one without
 * a job id. The handler logs and drops it, because retrying the same event cannot help.
 */
export class InvalidBatchEventError extends TriggersError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('TRIGGERS_INVALID_BATCH_EVENT', `${field}: ${message}`)
  }
}

/**
 * A Lambda Invoke API request that the local Lambda host rejects. `code` is the Lambda error
 * type (such as `ResourceNotFoundException`) and `statusCode` the HTTP status Lambda uses for it.
 */
export class LambdaInvokeError extends TriggersError {
  constructor(
    readonly statusCode: number,
    code: string,
    message: string,
  ) {
    super(code, message)
  }
}

/**
 * An SNS query API request that the SNS recorder rejects. `code` is the SNS error code (such as
 * `InvalidParameter`).
 */
export class SnsRequestError extends TriggersError {
  constructor(
    readonly statusCode: number,
    code: string,
    message: string,
  ) {
    super(code, message)
  }
}

/** A local server could not listen because another process uses its port. */
export class PortInUseError extends TriggersError {
  constructor(
    readonly host: string,
    readonly port: number,
    server: string,
    options?: ErrorOptions,
  ) {
    super(
      'TRIGGERS_PORT_IN_USE',
      `the ${server} cannot listen on ${host}:${port} because another process uses that port; choose another port, or 0 for any free one`,
      options,
    )
  }
}
