import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createLogger } from '@trainplane/shared'
import type { Logger } from 'pino'
import { type Environment, logLevelOf } from '../config.js'
import type { LambdaHandler } from '../container.js'
import { LambdaInvokeError } from '../errors.js'
import { createDefaultFunctions, type LambdaFunctions } from './default-functions.js'
import { listen, sendJson } from './http.js'
import {
  functionNameFromPath,
  INVOKE_PATH,
  type InvocationType,
  invocationTypeOf,
  readEvent,
  sendLambdaError,
} from './invoke-request.js'
import { type InvocationResult, runInvocation } from './run-invocation.js'

export interface LambdaHostOptions {
  /** TCP port; 0, the default, picks a free one. */
  port?: number
  /** Address to listen on. @default '127.0.0.1' */
  host?: string
  /**
   * Handlers by function name. When given, they are the only functions served; otherwise the
   * host builds `batch-events` and `post-confirmation` from `env`.
   */
  functions?: LambdaFunctions
  /**
   * Environment the default functions read their configuration and credentials from; its
   * AWS_REGION also names the region in context ARNs. @default process.env
   */
  env?: Environment
  logger?: Logger
  /** Time an invocation may take before the host returns a timeout error. @default 30000 */
  timeoutMs?: number
}

export interface LambdaHost {
  /** Base URL to give `LambdaClient` as `endpoint`, such as `http://127.0.0.1:41234`. */
  endpoint: string
  port: number
  functionNames: string[]
  /** Stops accepting requests, waits for running invocations, and releases the clients. */
  close(): Promise<void>
}

const DEFAULT_TIMEOUT_MS = 30_000

/**
 * Starts a local server for the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`)
 * that runs handlers in this process with a Lambda-shaped context. cognito-local calls it for
 * the PostConfirmation trigger and batch-local delivers Batch job events to it, with the same
 * `LambdaClient` calls they would make to AWS.
 *
 * A thrown error returns 200 with `X-Amz-Function-Error: Unhandled` and an
 * `{ errorType, errorMessage, trace }` body, as Lambda does. Each invocation is logged with its
 * function, request id, duration and outcome, never its payload.
 *
 * @throws ConfigurationError when the default functions' configuration is invalid
 * @throws PortInUseError when the port is taken
 * @example
 * const host = await startLambdaHost({ env: { ...process.env, TABLE_PREFIX: 'dev' } })
 * const lambda = new LambdaClient({ endpoint: host.endpoint, region: 'us-east-1' })
 */
export async function startLambdaHost(options: LambdaHostOptions = {}): Promise<LambdaHost> {
  const env = options.env ?? process.env
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const region = env.AWS_REGION ?? 'us-east-1'
  const logger = options.logger ?? createLogger({ name: 'lambda-host', level: logLevelOf(env) })

  const defaults = options.functions ? undefined : createDefaultFunctions(env, logger)
  const functions = options.functions ?? defaults?.functions ?? {}
  const running = new Set<Promise<unknown>>()

  function track(work: Promise<unknown>): void {
    running.add(work)
    void work.finally(() => running.delete(work))
  }

  async function invokeAndLog(
    functionName: string,
    handler: LambdaHandler,
    requestId: string,
    invocationType: InvocationType,
    event: unknown,
  ): Promise<InvocationResult> {
    const started = performance.now()
    const result = await runInvocation({
      functionName,
      handler,
      requestId,
      event,
      region,
      timeoutMs,
    })

    const fields = {
      functionName,
      requestId,
      invocationType,
      durationMs: Math.round(performance.now() - started),
      outcome: result.outcome,
    }
    if (result.outcome === 'succeeded') {
      logger.info(fields, 'invocation finished')
    } else {
      const { errorType, errorMessage } = result.error
      logger.warn({ ...fields, errorType, errorMessage }, 'invocation finished')
    }
    return result
  }

  async function serveInvoke(
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
    pathName: string,
    name: string,
    qualifier: string | undefined,
  ): Promise<void> {
    const handler = Object.hasOwn(functions, name) ? functions[name] : undefined
    if (!handler || (qualifier !== undefined && qualifier !== '$LATEST')) {
      const served = Object.keys(functions).join(', ') || 'no functions'
      throw new LambdaInvokeError(
        404,
        'ResourceNotFoundException',
        `function not found: ${pathName}; this host serves ${served}`,
      )
    }
    const invocationType = invocationTypeOf(request)
    const event = await readEvent(request, invocationType)

    if (invocationType === 'DryRun') {
      response.writeHead(204, { 'x-amzn-requestid': requestId }).end()
      return
    }
    if (invocationType === 'Event') {
      // NOTE: Lambda runs a failed Event invocation up to two more times (Lambda API reference,
      // Invoke). The host runs it once and logs the outcome.
      track(invokeAndLog(name, handler, requestId, invocationType, event))
      response.writeHead(202, { 'x-amzn-requestid': requestId }).end()
      return
    }

    const result = await invokeAndLog(name, handler, requestId, invocationType, event)
    const payload = result.outcome === 'succeeded' ? result.payload : JSON.stringify(result.error)
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'x-amz-executed-version': '$LATEST',
      'x-amzn-requestid': requestId,
      ...(result.outcome !== 'succeeded' && { 'x-amz-function-error': 'Unhandled' }),
    })
    response.end(payload)
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID()
    const url = new URL(request.url ?? '/', 'http://lambda-host')
    const segment = INVOKE_PATH.exec(url.pathname)?.[1]

    try {
      if (request.method === 'GET' && url.pathname === '/health') {
        sendJson(response, 200, { status: 'ok', functions: Object.keys(functions) })
        return
      }
      if (request.method !== 'POST' || segment === undefined) {
        throw new LambdaInvokeError(
          404,
          'UnknownOperationException',
          `${request.method} ${url.pathname} is not served; use POST /2015-03-31/functions/{name}/invocations`,
        )
      }
      const { pathName, name, qualifier } = functionNameFromPath(
        segment,
        url.searchParams.get('Qualifier'),
      )
      await serveInvoke(request, response, requestId, pathName, name, qualifier)
    } catch (err) {
      if (!(err instanceof LambdaInvokeError)) {
        logger.error({ err, requestId }, 'invoke request failed')
      } else {
        logger.info({ requestId, code: err.code, path: url.pathname }, 'invoke request rejected')
      }
      const error =
        err instanceof LambdaInvokeError
          ? err
          : new LambdaInvokeError(
              500,
              'ServiceException',
              'the local Lambda host failed; see its log',
            )
      if (!response.headersSent) {
        sendLambdaError(response, requestId, error)
      }
    }
  }

  const server = createServer((request, response) => track(route(request, response)))

  let address: Awaited<ReturnType<typeof listen>>
  try {
    address = await listen(
      server,
      options.port ?? 0,
      options.host ?? '127.0.0.1',
      'local Lambda host',
    )
  } catch (err) {
    defaults?.close()
    throw err
  }
  const functionNames = Object.keys(functions)
  logger.info({ endpoint: address.endpoint, functions: functionNames }, 'lambda host listening')

  let closing: Promise<void> | undefined
  async function close(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    await Promise.allSettled([...running])
    server.closeAllConnections()
    await closed
    defaults?.close()
    logger.info({ endpoint: address.endpoint }, 'lambda host stopped')
  }

  return {
    endpoint: address.endpoint,
    port: address.port,
    functionNames,
    close: () => {
      closing ??= close()
      return closing
    },
  }
}
