/** Base class of the shared package's errors; `name` is set so logs show the concrete class. */
export class TrainplaneError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Invalid or missing configuration, found at start. */
export class ConfigurationError extends TrainplaneError {}

/** A conditional write failed because the item was not in the expected state. */
export class ConditionFailedError extends TrainplaneError {
  constructor(
    readonly table: string,
    readonly key: Record<string, unknown>,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${message} (table ${table}, key ${JSON.stringify(key)})`, options)
  }
}

export class RunNotFoundError extends TrainplaneError {
  constructor(readonly runId: string) {
    super(`run ${runId} not found`)
  }
}

/** A status change that would move a run backwards or out of a terminal status. */
export class StatusRegressionError extends ConditionFailedError {}

/** The same idempotency key was used with a different request. */
export class IdempotencyConflictError extends TrainplaneError {
  constructor(
    readonly userId: string,
    readonly idempotencyKey: string,
    readonly existingRunId: string,
  ) {
    super(
      `idempotency key ${idempotencyKey} was already used for run ${existingRunId} with a different request`,
    )
  }
}

/** A lease held by another owner, or one that expired, when the caller expected its own. */
export class LeaseLostError extends ConditionFailedError {}

/** A pagination cursor that is malformed, tampered with, or made for another query. */
export class InvalidCursorError extends TrainplaneError {}

/** A cancel request on a run that already ended. */
export class RunAlreadyFinishedError extends TrainplaneError {
  constructor(
    readonly runId: string,
    readonly status: string,
  ) {
    super(`run ${runId} already ended with status ${status}`)
  }
}
