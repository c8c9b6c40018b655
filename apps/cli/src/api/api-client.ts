import { randomUUID } from 'node:crypto'
import type { Session } from '../auth/session.js'
import {
  ApiResponseError,
  BadResponseError,
  LoginRequiredError,
  NetworkError,
  type Problem,
} from '../errors.js'

export interface ApiClientOptions {
  /** Base URL of the API; a path such as an API Gateway stage is kept. */
  apiUrl: string
  session: Session
  fetch: typeof fetch
  sleep: (ms: number) => Promise<void>
  userAgent: string
  /** Time limit of one HTTP request, in milliseconds. */
  timeoutMs?: number
  /** Attempts per request when the network fails or the API returns 429, 502, 503 or 504. */
  maxAttempts?: number
}

export type QueryValue = string | number | boolean | undefined

export interface RequestOptions {
  query?: Record<string, QueryValue>
  body?: unknown
  headers?: Record<string, string>
}

/** Statuses after which the same request may succeed, so it is sent again. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504])

/** A Retry-After longer than this is not waited for; the error is shown instead. */
const MAX_RETRY_AFTER_MS = 10_000

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_MAX_ATTEMPTS = 3

/**
 * The REST client: sends JSON with the session's bearer token, retries transient failures, and
 * refreshes the token once when the API returns 401. Repeating a request is safe: reads change
 * nothing, each submission carries an Idempotency-Key, and a repeated cancel at worst fails with
 * API_ERR_RUN_FINISHED when the first one already ended the run.
 */
export class ApiClient {
  readonly #base: string
  readonly #options: ApiClientOptions

  constructor(options: ApiClientOptions) {
    this.#base = options.apiUrl.replace(/\/+$/, '')
    this.#options = options
  }

  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.request<T>('GET', path, query === undefined ? {} : { query })
  }

  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, {
      ...(body !== undefined && { body }),
      ...(headers !== undefined && { headers }),
    })
  }

  /**
   * Sends one request and returns the parsed JSON body of a 2xx response.
   *
   * @throws ApiResponseError for an error response, with the API's code and problems
   * @throws LoginRequiredError when the token is rejected even after a refresh
   * @throws NetworkError when no response arrives
   * @throws BadResponseError when a response is not the JSON the API sends
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.#url(path, options.query)
    const maxAttempts = this.#options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
    let token = await this.#options.session.accessToken()
    let refreshed = false
    // Attempts that failed in a way worth repeating; the refresh after a 401 is not one.
    let failures = 0

    for (;;) {
      let response: Response
      try {
        response = await this.#send(method, url, token, options)
      } catch (err) {
        failures++
        if (failures >= maxAttempts) {
          throw new NetworkError(url.origin, networkMessage(url, err), { cause: err })
        }
        await this.#options.sleep(backoffMs(failures))
        continue
      }

      if (response.status === 401 && !refreshed) {
        refreshed = true
        await response.body?.cancel()
        token = await this.#options.session.refreshAfterRejection()
        continue
      }

      if (RETRYABLE_STATUSES.has(response.status) && failures + 1 < maxAttempts) {
        const delayMs = retryDelayMs(response, failures + 1)
        if (delayMs !== undefined) {
          failures++
          await response.body?.cancel()
          await this.#options.sleep(delayMs)
          continue
        }
      }

      return (await this.#read(url, response)) as T
    }
  }

  #url(path: string, query: Record<string, QueryValue> | undefined): URL {
    const url = new URL(`${this.#base}${path}`)
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(name, String(value))
      }
    }
    return url
  }

  #send(method: string, url: URL, token: string, options: RequestOptions): Promise<Response> {
    return this.#options.fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        'user-agent': this.#options.userAgent,
        // The API uses it as its request id, in its logs and error bodies.
        'x-request-id': randomUUID(),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    })
  }

  async #read(url: URL, response: Response): Promise<unknown> {
    const text = await response.text()
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      body = undefined
    }

    if (response.ok) {
      if (body === undefined) {
        throw new BadResponseError(
          url.href,
          response.status,
          `${url.href} returned status ${response.status} without a JSON body; check that --api-url names the trainplane API`,
        )
      }
      return body
    }

    if (response.status === 401) {
      throw new LoginRequiredError('the API rejected the access token even after a refresh')
    }
    throw toApiResponseError(url, response.status, body)
  }
}

/** Waits 0.5 s after the first failure, 1 s after the second, and so on. */
function backoffMs(failures: number): number {
  return 500 * 2 ** (failures - 1)
}

/**
 * Returns how long to wait before another attempt: the server's Retry-After in seconds when it
 * sends one, or the backoff. Undefined means the server asked for a longer wait than is worth
 * making.
 */
function retryDelayMs(response: Response, failures: number): number | undefined {
  const retryAfter = Number(response.headers.get('retry-after'))
  if (!Number.isFinite(retryAfter) || retryAfter <= 0) {
    return backoffMs(failures)
  }
  const delayMs = retryAfter * 1000
  return delayMs <= MAX_RETRY_AFTER_MS ? delayMs : undefined
}

function networkMessage(url: URL, err: unknown): string {
  const error = err as Error & { cause?: { code?: string; message?: string } }
  if (error.name === 'TimeoutError') {
    return `request to ${url.origin} timed out; check the API URL and your network, then retry`
  }
  const detail = error.cause?.code ?? error.cause?.message ?? error.message
  return `cannot reach the API at ${url.origin} (${detail}); check the API URL and your network`
}

/** Reads the API's error shape `{ error: { code, message, requestId, field?, problems? } }`. */
function toApiResponseError(url: URL, status: number, body: unknown): ApiResponseError {
  const error = (body as { error?: unknown } | undefined)?.error
  if (typeof error === 'object' && error !== null) {
    const fields = error as Record<string, unknown>
    if (typeof fields.code === 'string' && typeof fields.message === 'string') {
      return new ApiResponseError(status, fields.code, fields.message, {
        problems: readProblems(fields.problems),
        ...(typeof fields.field === 'string' && { field: fields.field }),
        ...(typeof fields.requestId === 'string' && { requestId: fields.requestId }),
      })
    }
  }

  // A response not made by the API: API Gateway's own 403 or 502, or a proxy's error page.
  const message =
    typeof (body as { message?: unknown } | undefined)?.message === 'string'
      ? (body as { message: string }).message
      : `${url.href} returned status ${status}`
  return new ApiResponseError(status, `HTTP_${status}`, message, { problems: [] })
}

function readProblems(problems: unknown): Problem[] {
  if (!Array.isArray(problems)) {
    return []
  }
  return problems.filter(
    (problem): problem is Problem =>
      typeof problem?.field === 'string' && typeof problem?.message === 'string',
  )
}
