import {
  IdempotencyConflictError as DomainIdempotencyConflictError,
  InvalidCursorError as DomainInvalidCursorError,
  RunNotFoundError as DomainRunNotFoundError,
  RunAlreadyFinishedError,
} from '@trainplane/shared'
import type { FastifyRequest } from 'fastify'
import {
  type ApiError,
  BadRequestError,
  BodyTooLargeError,
  IdempotencyConflictError,
  InternalError,
  InvalidCursorError,
  InvalidJsonError,
  RunFinishedError,
  RunNotFoundError,
  StoreBusyError,
  UnsupportedMediaTypeError,
  withProblems,
} from '../errors.js'

/** AWS SDK error names that mean DynamoDB is throttling, after the SDK's own retries. */
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
])

/**
 * Converts any error a request raised into one of the API's errors: the API's own pass
 * through, Fastify's request errors and the shared domain errors get their codes, and
 * everything else becomes API_ERR_INTERNAL, whose message hides the cause.
 */
export function toApiError(err: unknown, request: FastifyRequest, bodyLimit: number): ApiError {
  if (isApiError(err)) {
    return err
  }

  const code = (err as { code?: unknown } | null)?.code
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BodyTooLargeError(bodyLimit) as ApiError
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError(
        JSON.stringify(request.headers['content-type'] ?? 'none'),
      ) as ApiError
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InvalidJsonError() as ApiError
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BadRequestError('Content-Length does not match the body sent') as ApiError
    case 'FST_ERR_BAD_URL':
      return new BadRequestError('the URL is malformed; percent-encode path segments') as ApiError
  }

  if (err instanceof DomainRunNotFoundError) {
    return new RunNotFoundError(err.runId) as ApiError
  }
  if (err instanceof DomainIdempotencyConflictError) {
    return withProblems(new IdempotencyConflictError(err.idempotencyKey, err.existingRunId), [
      { field: 'idempotency-key', message: 'was already used with a different request' },
    ]) as ApiError
  }
  if (err instanceof DomainInvalidCursorError) {
    return withProblems(new InvalidCursorError(), [
      { field: 'cursor', message: err.message },
    ]) as ApiError
  }
  if (err instanceof RunAlreadyFinishedError) {
    return new RunFinishedError(err.runId, err.status) as ApiError
  }
  if (err instanceof Error && THROTTLING_ERRORS.has(err.name)) {
    return new StoreBusyError({ cause: err }) as ApiError
  }

  return new InternalError(request.id, { cause: err }) as ApiError
}

function isApiError(err: unknown): err is ApiError {
  const candidate = err as { code?: unknown; statusCode?: unknown } | null
  return (
    typeof candidate?.code === 'string' &&
    candidate.code.startsWith('API_ERR_') &&
    typeof candidate.statusCode === 'number'
  )
}

/** Builds the one JSON error body of every response with status 400 or above. */
export function errorBody(error: ApiError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId,
      ...(error.field !== undefined && { field: error.field }),
      ...(error.problems !== undefined && { problems: error.problems }),
    },
  }
}
