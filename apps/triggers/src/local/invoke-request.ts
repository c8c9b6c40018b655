import type { IncomingMessage, ServerResponse } from 'node:http'
import { LambdaInvokeError } from '../errors.js'
import { BodyTooLargeError, readBody, sendJson } from './http.js'

/**
 * Lambda's limits on the request payload: 6 MB for a synchronous invocation and 1 MB for an
 * asynchronous one (Lambda API reference, Invoke).
 */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024
export const MAX_EVENT_PAYLOAD_BYTES = 1024 * 1024

/** Path of the Invoke API, with the function name or ARN percent-encoded in it. */
export const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/

export const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'] as const
export type InvocationType = (typeof INVOCATION_TYPES)[number]

/**
 * Reads a function name, a full ARN (`arn:aws:lambda:<region>:<account>:function:<name>`) or a
 * partial one (`<account>:function:<name>`), each with an optional `:<qualifier>`.
 */
export function functionNameOf(pathName: string): { name: string; qualifier?: string } {
  const marker = pathName.indexOf('function:')
  const rest = marker === -1 ? pathName : pathName.slice(marker + 'function:'.length)
  const [name = '', qualifier] = rest.split(':')
  return qualifier === undefined ? { name } : { name, qualifier }
}

/** The function named by an Invoke path segment and the `Qualifier` query parameter. */
export function functionNameFromPath(
  segment: string,
  qualifier: string | null,
): { pathName: string; name: string; qualifier?: string } {
  let decoded: string
  try {
    decoded = decodeURIComponent(segment)
  } catch {
    throw new LambdaInvokeError(
      400,
      'InvalidParameterValueException',
      `function name ${JSON.stringify(segment)} is not valid percent-encoding`,
    )
  }
  const pathName = qualifier ? `${decoded}:${qualifier}` : decoded
  return { pathName, ...functionNameOf(pathName) }
}

/** Reads `X-Amz-Invocation-Type`, which defaults to RequestResponse as in Lambda. */
export function invocationTypeOf(request: IncomingMessage): InvocationType {
  const header = request.headers['x-amz-invocation-type']
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined || value === '') {
    return 'RequestResponse'
  }
  if (!(INVOCATION_TYPES as readonly string[]).includes(value)) {
    throw new LambdaInvokeError(
      400,
      'InvalidParameterValueException',
      `X-Amz-Invocation-Type ${JSON.stringify(value)} is invalid; use one of ${INVOCATION_TYPES.join(', ')}`,
    )
  }
  return value as InvocationType
}

/**
 * Reads the event from the request body. An empty body is the empty object, as when a client
 * sends no payload.
 *
 * @throws LambdaInvokeError RequestTooLargeException or InvalidRequestContentException
 */
export async function readEvent(
  request: IncomingMessage,
  invocationType: InvocationType,
): Promise<unknown> {
  const limit = invocationType === 'Event' ? MAX_EVENT_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES
  let body: Buffer
  try {
    body = await readBody(request, limit)
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err
    throw new LambdaInvokeError(
      413,
      'RequestTooLargeException',
      `the request payload is larger than ${limit} bytes, Lambda's limit for ${invocationType} invocations`,
    )
  }

  if (body.length === 0) {
    return {}
  }
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new LambdaInvokeError(
      400,
      'InvalidRequestContentException',
      'could not parse the request body as JSON; send the event as a JSON document',
    )
  }
}

/** Sends an Invoke API error in Lambda's shape; the AWS SDKs read its type from the header. */
export function sendLambdaError(
  response: ServerResponse,
  requestId: string,
  err: LambdaInvokeError,
): void {
  sendJson(
    response,
    err.statusCode,
    { Type: err.statusCode < 500 ? 'User' : 'Service', message: err.message },
    { 'x-amzn-errortype': err.code, 'x-amzn-requestid': requestId },
  )
}
