import {
  type CloudWatchLogsClient,
  GetLogEventsCommand,
  type GetLogEventsCommandOutput,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs'
import { type CursorCodec, InvalidCursorError } from '@trainplane/shared'
import { LogsUnavailableError } from '../errors.js'

/** CloudWatch Logs errors that a later retry can get past. */
const RETRYABLE_ERRORS = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'LimitExceededException',
])

export interface NodeLogLine {
  timestamp: string
  message: string
}

/** One page of a stream, or `missing` when CloudWatch has no such stream yet. */
export type NodeLogPage =
  | { missing: true }
  | { missing: false; lines: NodeLogLine[]; nextCursor?: string }

export interface NodeLogRequest {
  runId: string
  node: number
  attempt: number
  streamName: string
  limit: number
  cursor?: string
}

/**
 * Reads node log streams with GetLogEvents, oldest line first, and wraps CloudWatch's forward
 * token in a signed cursor bound to the run, node and attempt, so a client cannot read another
 * stream with it.
 */
export class NodeLogReader {
  readonly #client: CloudWatchLogsClient
  readonly #cursors: CursorCodec
  readonly #logGroupName: string

  /** @param logGroupName - the group the nodes write to, BATCH_LOG_GROUP */
  constructor(client: CloudWatchLogsClient, cursors: CursorCodec, logGroupName: string) {
    this.#client = client
    this.#cursors = cursors
    this.#logGroupName = logGroupName
  }

  /** @throws InvalidCursorError for a cursor not issued for this run, node and attempt */
  decodeCursor(request: Omit<NodeLogRequest, 'streamName' | 'limit'>): string | undefined {
    if (request.cursor === undefined) return undefined
    const { token } = this.#cursors.decode(request.cursor, cursorScope(request))
    if (typeof token !== 'string' || token === '') {
      throw new InvalidCursorError('cursor is malformed')
    }
    return token
  }

  /**
   * Reads one page. At the end of the stream CloudWatch returns the token it was given, so the
   * returned cursor repeats the one sent and a client can poll with it for new lines.
   *
   * @throws LogsUnavailableError when CloudWatch Logs throttles or is unavailable
   */
  async read(request: NodeLogRequest): Promise<NodeLogPage> {
    const token = this.decodeCursor(request)

    let response: GetLogEventsCommandOutput
    try {
      response = await this.#client.send(
        new GetLogEventsCommand({
          logGroupName: this.#logGroupName,
          logStreamName: request.streamName,
          startFromHead: true,
          limit: request.limit,
          ...(token !== undefined && { nextToken: token }),
        }),
      )
    } catch (err) {
      // Batch reports a stream name before the node writes its first line, and CloudWatch
      // creates the stream only then.
      if (err instanceof ResourceNotFoundException) return { missing: true }
      if (err instanceof Error && RETRYABLE_ERRORS.has(err.name)) {
        throw new LogsUnavailableError({ cause: err })
      }
      throw err
    }

    const lines = (response.events ?? []).map((event) => ({
      timestamp: new Date(event.timestamp ?? 0).toISOString(),
      message: event.message ?? '',
    }))
    const nextCursor =
      response.nextForwardToken === undefined
        ? request.cursor
        : this.#cursors.encode({ token: response.nextForwardToken }, cursorScope(request))
    return { missing: false, lines, ...(nextCursor !== undefined && { nextCursor }) }
  }
}

function cursorScope(request: { runId: string; node: number; attempt: number }): string {
  return `logs\n${request.runId}\n${request.attempt}\n${request.node}`
}
