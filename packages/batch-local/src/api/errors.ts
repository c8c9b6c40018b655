/**
 * Errors that batch-local returns to API clients. Each class name is the error name on the wire
 * (the `x-amzn-ErrorType` header and `__type` in the body), so the AWS SDK raises the same
 * exception class that it raises against AWS.
 */
export abstract class ServiceError extends Error {
  abstract readonly statusCode: number

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }

  get errorType(): string {
    return this.name
  }
}

/** Batch's error for an invalid request or a missing resource (HTTP 400). */
export class ClientException extends ServiceError {
  readonly statusCode = 400
}

/** Batch's error for a failure on the server side (HTTP 500). */
export class ServerException extends ServiceError {
  readonly statusCode = 500
}

/** CloudWatch Logs' error for an unknown log group or log stream. */
export class ResourceNotFoundException extends ServiceError {
  readonly statusCode = 400
}

/** CloudWatch Logs' error for an invalid parameter. */
export class InvalidParameterException extends ServiceError {
  readonly statusCode = 400
}

/** A path or X-Amz-Target that names no operation batch-local implements. */
export class UnknownOperationException extends ServiceError {
  readonly statusCode = 404
}
