import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { isObject, type JsonObject } from '../validation/input.js'
import {
  ClientException,
  InvalidParameterException,
  ServerException,
  ServiceError,
  UnknownOperationException,
} from './errors.js'

/** A Batch operation: the JSON request body in, the JSON response body out. */
export type BatchOperation = (request: JsonObject) => unknown

/** Handlers of Batch's tagging operations, which carry the resource ARN in the path. */
export interface TagOperations {
  list(resourceArn: string): unknown
  tag(resourceArn: string, request: JsonObject): unknown
  untag(resourceArn: string, tagKeys: string[]): unknown
}

export interface ApiRoutes {
  /** Batch operations keyed by the lowercased name in the path, such as `submitjob`. */
  batch: ReadonlyMap<string, BatchOperation>
  tags: TagOperations
  /** CloudWatch Logs operations keyed by name, such as `GetLogEvents`. */
  logs: ReadonlyMap<string, BatchOperation>
}

// Batch service quota: a SubmitJob request is at most 30 KiB.
const SUBMIT_JOB_MAX_BYTES = 30 * 1024
// Bound on every other request body, so a runaway client cannot exhaust memory.
const MAX_BODY_BYTES = 1024 * 1024

const LOGS_TARGET_PREFIX = 'Logs_20140328.'

/**
 * Creates the HTTP server of both APIs. A request with an `X-Amz-Target` header is a
 * CloudWatch Logs request (AWS JSON 1.1 protocol, `POST /`). Any other is a Batch request
 * (REST-JSON protocol, `POST /v1/<operation>`). Errors carry their name in the
 * `x-amzn-ErrorType` header and in `__type`, which is where the AWS SDK looks for it.
 */
export function createApiServer(routes: ApiRoutes, logger: Logger): Server {
  const server = createServer((request, response) => {
    void handleRequest(routes, logger, request, response)
  })
  // The AWS SDK keeps connections alive for longer than Node's default of 5 s. A server that
  // closes an idle socket as the client reuses it makes the request fail with ECONNRESET, and
  // SubmitJob is never retried, so idle sockets stay open for a minute.
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  return server
}

async function handleRequest(
  routes: ApiRoutes,
  logger: Logger,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const requestId = randomUUID()
  const target = headerValue(request, 'x-amz-target')
  const protocol = target === undefined ? 'rest-json' : 'json-1.1'
  const url = new URL(request.url ?? '/', 'http://batch-local')
  const operation = target ?? `${request.method ?? ''} ${url.pathname}`

  try {
    const body = await readBody(request, MAX_BODY_BYTES)
    const result =
      target === undefined
        ? routeBatchRequest(routes, request.method ?? 'GET', url, body)
        : routeLogsRequest(routes, target, body)
    sendJson(response, 200, protocol, requestId, result ?? {})
    logger.debug({ requestId, operation, statusCode: 200 }, 'request handled')
  } catch (error) {
    const serviceError = toServiceError(error, protocol)
    if (serviceError instanceof ServerException) {
      logger.error({ err: error, requestId, operation }, 'request failed')
    } else {
      logger.debug({ requestId, operation, error: serviceError.message }, 'request rejected')
    }
    sendError(response, serviceError, protocol, requestId)
  }
}

function routeBatchRequest(routes: ApiRoutes, method: string, url: URL, body: Buffer): unknown {
  const tagsPrefix = '/v1/tags/'
  if (url.pathname.startsWith(tagsPrefix)) {
    const resourceArn = decodeURIComponent(url.pathname.slice(tagsPrefix.length))
    if (method === 'GET') {
      return routes.tags.list(resourceArn)
    }
    if (method === 'POST') {
      return routes.tags.tag(resourceArn, parseJsonObject(body, 'rest-json'))
    }
    if (method === 'DELETE') {
      return routes.tags.untag(resourceArn, url.searchParams.getAll('tagKeys'))
    }
  }

  const match = /^\/v1\/([a-z]+)$/.exec(url.pathname)
  const handler = match?.[1] === undefined ? undefined : routes.batch.get(match[1])
  if (method !== 'POST' || handler === undefined) {
    throw new UnknownOperationException(`batch-local does not implement ${method} ${url.pathname}.`)
  }
  if (match?.[1] === 'submitjob' && body.length > SUBMIT_JOB_MAX_BYTES) {
    throw new ClientException(
      `Request size of ${body.length} bytes exceeds the SubmitJob limit of ${SUBMIT_JOB_MAX_BYTES} bytes (30 KiB).`,
    )
  }
  return handler(parseJsonObject(body, 'rest-json'))
}

function routeLogsRequest(routes: ApiRoutes, target: string, body: Buffer): unknown {
  const name = target.startsWith(LOGS_TARGET_PREFIX)
    ? target.slice(LOGS_TARGET_PREFIX.length)
    : undefined
  const handler = name === undefined ? undefined : routes.logs.get(name)
  if (handler === undefined) {
    throw new UnknownOperationException(`batch-local does not implement ${target}.`)
  }
  return handler(parseJsonObject(body, 'json-1.1'))
}

function parseJsonObject(body: Buffer, protocol: 'rest-json' | 'json-1.1'): JsonObject {
  if (body.length === 0) {
    return {}
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (!isObject(parsed)) {
    const message = 'The request body is not a JSON object.'
    throw protocol === 'rest-json'
      ? new ClientException(message)
      : new InvalidParameterException(message)
  }
  return parsed
}

/** Converts an error to the service error sent to the client. CloudWatch Logs reports invalid input as InvalidParameterException, not ClientException. */
function toServiceError(error: unknown, protocol: 'rest-json' | 'json-1.1'): ServiceError {
  if (protocol === 'json-1.1' && error instanceof ClientException) {
    return new InvalidParameterException(error.message)
  }
  if (error instanceof ServiceError) {
    return error
  }
  return new ServerException('Internal error in batch-local. See its log for details.')
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) {
        chunks.push(chunk)
      }
    })
    request.on('end', () => {
      if (size > maxBytes) {
        reject(
          new ClientException(
            `Request body of ${size} bytes exceeds the limit of ${maxBytes} bytes.`,
          ),
        )
        return
      }
      resolve(Buffer.concat(chunks))
    })
    request.on('error', reject)
  })
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function contentType(protocol: 'rest-json' | 'json-1.1'): string {
  return protocol === 'rest-json' ? 'application/json' : 'application/x-amz-json-1.1'
}

function sendJson(
  response: ServerResponse,
  statusCode: number,
  protocol: 'rest-json' | 'json-1.1',
  requestId: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  response.writeHead(statusCode, {
    'content-type': contentType(protocol),
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...extraHeaders,
  })
  response.end(text)
}

function sendError(
  response: ServerResponse,
  error: ServiceError,
  protocol: 'rest-json' | 'json-1.1',
  requestId: string,
): void {
  sendJson(
    response,
    error.statusCode,
    protocol,
    requestId,
    { __type: error.errorType, message: error.message },
    { 'x-amzn-errortype': error.errorType },
  )
}
