import createError, { type FastifyError } from '@fastify/error'

/**
 * Every error the API returns, one entry per stable code. docs/errors.md lists them; a code is
 * never reused for another meaning.
 */

/** One invalid field of a request, as a JSON pointer (body) or a parameter name. */
export interface FieldProblem {
  field: string
  message: string
}

/** An API error with the fields the response shape can carry beside code and message. */
export type ApiError = FastifyError & {
  statusCode: number
  field?: string
  problems?: FieldProblem[]
}

/** Attaches the failing field, and every problem found when there is more than one. */
export function withProblems<E extends FastifyError>(error: E, problems: FieldProblem[]): E {
  const [first] = problems
  if (first) {
    Object.assign(error, { field: first.field })
  }
  if (problems.length > 1) {
    Object.assign(error, { problems })
  }
  return error
}

// Authentication. The messages are fixed on purpose: a reason would help an attacker more
// than a client, and the server logs it instead.
export const AuthMissingError = createError(
  'API_ERR_AUTH_MISSING',
  'missing bearer token; send the header Authorization: Bearer <Cognito access token>',
  401,
)
export const AuthInvalidError = createError(
  'API_ERR_AUTH_INVALID',
  'the bearer token is not valid for this API; sign in again to get a new access token',
  401,
)
export const AuthExpiredError = createError(
  'API_ERR_AUTH_EXPIRED',
  'the bearer token has expired; refresh it or sign in again',
  401,
)

// Run tokens, on the routes training code reports through. Fixed messages, as above.
export const RunTokenMissingError = createError(
  'API_ERR_RUN_TOKEN_MISSING',
  'missing run token; send the header Authorization: Bearer <RUN_TOKEN of the run>',
  401,
)
export const RunTokenInvalidError = createError(
  'API_ERR_RUN_TOKEN_INVALID',
  'the run token is not valid for this run; report with the RUN_TOKEN the run was started with',
  401,
)
export const RunTokenExpiredError = createError(
  'API_ERR_RUN_TOKEN_EXPIRED',
  'the run token has expired; the run can no longer report',
  401,
)

// Request shape.
export const ValidationError = createError<[string]>('API_ERR_VALIDATION', '%s', 400)
export const InvalidJsonError = createError(
  'API_ERR_INVALID_JSON',
  'the request body is not valid JSON; send one JSON object',
  400,
)
export const BadRequestError = createError<[string]>('API_ERR_BAD_REQUEST', '%s', 400)
export const BodyTooLargeError = createError<[number]>(
  'API_ERR_BODY_TOO_LARGE',
  'the request body is larger than %d bytes; shorten it',
  413,
)
export const UnsupportedMediaTypeError = createError<[string]>(
  'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  'content type %s is not supported; send application/json',
  415,
)
export const RateLimitedError = createError<[string]>(
  'API_ERR_RATE_LIMITED',
  'too many requests; retry in %s',
  429,
)
export const RouteNotFoundError = createError<[string, string]>(
  'API_ERR_ROUTE_NOT_FOUND',
  'route %s %s not found; the routes are listed at /openapi.json',
  404,
)

// Runs.
export const RunSpecInvalidError = createError<[string]>('API_ERR_RUN_SPEC_INVALID', '%s', 400)
export const QueueNotFoundError = createError<[string]>(
  'API_ERR_QUEUE_NOT_FOUND',
  'queue %s not found; GET /v1/queues lists the queues you can submit to',
  400,
)
export const RunNotAllowedOnQueueError = createError<[string]>(
  'API_ERR_RUN_NOT_ALLOWED_ON_QUEUE',
  '%s',
  400,
)
export const IdempotencyConflictError = createError<[string, string]>(
  'API_ERR_IDEMPOTENCY_CONFLICT',
  'Idempotency-Key %s was already used for run %s with a different request; use a new key',
  409,
)
export const RunNotFoundError = createError<[string]>(
  'API_ERR_RUN_NOT_FOUND',
  'run %s not found; GET /v1/runs lists your runs',
  404,
)
export const RunFinishedError = createError<[string, string]>(
  'API_ERR_RUN_FINISHED',
  'run %s already ended with status %s and cannot be cancelled',
  409,
)
export const RunBusyError = createError<[string]>(
  'API_ERR_RUN_BUSY',
  'run %s kept changing status while the cancel was recorded; retry the request',
  409,
)
export const InvalidCursorError = createError(
  'API_ERR_INVALID_CURSOR',
  'the cursor is not valid for this listing; repeat the request without it to start again',
  400,
)
export const AdminOnlyError = createError<[string]>(
  'API_ERR_ADMIN_ONLY',
  '%s is for admins only; members of the admin group may use it',
  403,
)

// Metrics and results.
export const RunReportingClosedError = createError<[string, number]>(
  'API_ERR_RUN_REPORTING_CLOSED',
  'run %s ended more than %d seconds ago and accepts no more metrics or results',
  409,
)
export const ResultsTooLargeError = createError<[number, number]>(
  'API_ERR_RESULTS_TOO_LARGE',
  'the results are %d bytes of JSON, more than the limit of %d; report large artifacts elsewhere and keep a reference in the results',
  413,
)
export const ResultsNotFoundError = createError<[string]>(
  'API_ERR_RESULTS_NOT_FOUND',
  'run %s has not reported results yet; they appear once its training code sends them',
  404,
)

// Node logs.
export const LogNodeOutOfRangeError = createError<[number, string, number]>(
  'API_ERR_LOG_NODE_OUT_OF_RANGE',
  'node %d does not exist: run %s has %d nodes, numbered from 0',
  400,
)
export const LogAttemptOutOfRangeError = createError<[number, string, number]>(
  'API_ERR_LOG_ATTEMPT_OUT_OF_RANGE',
  'attempt %d has not started: run %s is on attempt %d; attempts are numbered from 1',
  400,
)
export const LogsUnavailableError = createError<[{ cause: unknown }?]>(
  'API_ERR_LOGS_UNAVAILABLE',
  'CloudWatch Logs is throttling or unavailable; retry after a short wait',
  503,
)

// Service.
export const NotReadyError = createError<[string]>('API_ERR_NOT_READY', 'not ready: %s', 503)
export const ShuttingDownError = createError(
  'API_ERR_SHUTTING_DOWN',
  'the server is shutting down; retry the request',
  503,
)
export const StoreBusyError = createError<[{ cause: unknown }?]>(
  'API_ERR_STORE_BUSY',
  'the database is throttling requests; retry after a short wait',
  503,
)
export const InternalError = createError<[string, { cause: unknown }?]>(
  'API_ERR_INTERNAL',
  'internal error; report request id %s if it persists',
  500,
)
