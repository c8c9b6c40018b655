import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createLogger } from '@trainplane/shared'
import type { Logger } from 'pino'
import { SnsRequestError } from '../errors.js'
import { BodyTooLargeError, closeServer, listen, readBody, sendJson } from './http.js'
import { LOCAL_ACCOUNT_ID } from './lambda-context.js'
import {
  errorResponseXml,
  type PublishRequest,
  parsePublishRequest,
  publishResponseXml,
} from './sns-publish.js'

/** A Publish request the recorder accepted. */
export interface RecordedMessage extends PublishRequest {
  messageId: string
  /** ISO 8601 time the recorder received it. */
  receivedAt: string
}

export interface SnsRecorderOptions {
  /** TCP port; 0, the default, picks a free one. */
  port?: number
  /** Address to listen on. @default '127.0.0.1' */
  host?: string
  /** Region of the topic ARNs `topicArn` makes. @default 'us-east-1' */
  region?: string
  logger?: Logger
}

export interface SnsRecorder {
  /** Base URL to give `SNSClient` as `endpoint`. */
  endpoint: string
  port: number
  /** Makes a topic ARN in the recorder's region and a made-up account, for SNS_TOPIC_ARN. */
  topicArn(name: string): string
  /** Messages recorded so far, oldest first. */
  messages(): RecordedMessage[]
  clear(): void
  close(): Promise<void>
}

/** A query request is a form of at most one message plus its parameters; 1 MiB leaves room. */
const MAX_REQUEST_BYTES = 1024 * 1024

/**
 * Starts a loopback stand-in for SNS that records the Publish requests the AWS SDK sends, so
 * tests and the local stack check the request the SDK really builds. It speaks the SNS query
 * protocol: the SDK sends a form-encoded POST to `/`, and the recorder returns the XML
 * `PublishResponse` or `ErrorResponse`. `GET /messages` returns `{ messages }` as JSON and `DELETE /messages` clears
 * them.
 *
 * @throws PortInUseError when the port is taken
 */
export async function startSnsRecorder(options: SnsRecorderOptions = {}): Promise<SnsRecorder> {
  const host = options.host ?? '127.0.0.1'
  const region = options.region ?? 'us-east-1'
  const logger = options.logger ?? createLogger({ name: 'sns-recorder' })
  const recorded: RecordedMessage[] = []

  async function publish(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID()
    try {
      let body: Buffer
      try {
        body = await readBody(request, MAX_REQUEST_BYTES)
      } catch (err) {
        if (!(err instanceof BodyTooLargeError)) throw err
        throw new SnsRequestError(413, 'RequestTooLarge', err.message)
      }
      const publishRequest = parsePublishRequest(new URLSearchParams(body.toString('utf8')))
      const message: RecordedMessage = {
        ...publishRequest,
        messageId: randomUUID(),
        receivedAt: new Date().toISOString(),
      }
      recorded.push(message)
      logger.info(
        { messageId: message.messageId, topicArn: message.topicArn, requestId },
        'message recorded',
      )

      const xml = publishResponseXml(message.messageId, requestId)
      response.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
      response.end(xml)
    } catch (err) {
      const error =
        err instanceof SnsRequestError
          ? err
          : new SnsRequestError(500, 'InternalError', 'the SNS recorder failed; see its log')
      if (error.statusCode >= 500) {
        logger.error({ err, requestId }, 'publish request failed')
      } else {
        logger.info({ code: error.code, requestId }, 'publish request rejected')
      }
      response.writeHead(error.statusCode, {
        'content-type': 'text/xml',
        'x-amzn-requestid': requestId,
      })
      response.end(errorResponseXml(error, requestId))
    }
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://sns-recorder').pathname
    if (request.method === 'POST' && path === '/') {
      void publish(request, response)
      return
    }
    if (path === '/messages' && request.method === 'GET') {
      sendJson(response, 200, { messages: recorded })
      return
    }
    if (path === '/messages' && request.method === 'DELETE') {
      recorded.length = 0
      response.writeHead(204).end()
      return
    }
    sendJson(response, 404, {
      error: `${request.method} ${path} is not served; POST / publishes, GET /messages lists, DELETE /messages clears`,
    })
  })

  const address = await listen(server, options.port ?? 0, host, 'SNS recorder')
  logger.info({ endpoint: address.endpoint }, 'sns recorder listening')

  return {
    endpoint: address.endpoint,
    port: address.port,
    topicArn: (name) => `arn:aws:sns:${region}:${LOCAL_ACCOUNT_ID}:${name}`,
    messages: () => recorded.map((message) => structuredClone(message)),
    clear: () => {
      recorded.length = 0
    },
    close: async () => {
      await closeServer(server)
      logger.info({ endpoint: address.endpoint }, 'sns recorder stopped')
    },
  }
}
