import { createWriteStream, mkdirSync, readdirSync, readFileSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'

/** The log group Batch's default awslogs configuration writes to. */
export const BATCH_LOG_GROUP = '/aws/batch/job'

/** One log event, shaped as GetLogEvents returns it (times in epoch milliseconds). */
export interface LogEvent {
  timestamp: number
  message: string
  ingestionTime: number
}

const LOG_FILE_SUFFIX = '.ndjson'

/**
 * Log streams of the log group /aws/batch/job, one per node and attempt. Events stay in memory.
 * With a state folder, each stream is also appended to `logs/<encoded stream name>.ndjson`
 * and read back at start.
 *
 * Every event is kept in memory for the life of the process, so a very chatty job grows
 * batch-local's memory with it.
 */
export class LogStore {
  private readonly streams = new Map<string, LogEvent[]>()
  private readonly files = new Map<string, WriteStream>()
  private readonly directory: string | undefined

  constructor(
    stateDirectory: string | undefined,
    private readonly logger: Logger,
  ) {
    this.directory = stateDirectory === undefined ? undefined : join(stateDirectory, 'logs')
    if (this.directory !== undefined) {
      mkdirSync(this.directory, { recursive: true })
    }
  }

  /** Reads the streams saved in the state folder. */
  load(): void {
    if (this.directory === undefined) {
      return
    }
    for (const fileName of readdirSync(this.directory)) {
      if (!fileName.endsWith(LOG_FILE_SUFFIX)) {
        continue
      }
      const streamName = decodeURIComponent(fileName.slice(0, -LOG_FILE_SUFFIX.length))
      const text = readFileSync(join(this.directory, fileName), 'utf8')
      const events = text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as LogEvent)
      this.streams.set(streamName, events)
    }
  }

  createStream(streamName: string): void {
    if (!this.streams.has(streamName)) {
      this.streams.set(streamName, [])
    }
    if (this.directory !== undefined && !this.files.has(streamName)) {
      const path = join(this.directory, `${encodeURIComponent(streamName)}${LOG_FILE_SUFFIX}`)
      const file = createWriteStream(path, { flags: 'a' })
      file.on('error', (error) => {
        this.logger.error({ err: error, logStreamName: streamName }, 'log file write failed')
      })
      this.files.set(streamName, file)
    }
  }

  append(streamName: string, message: string): void {
    this.createStream(streamName)
    const now = Date.now()
    const event: LogEvent = { timestamp: now, message, ingestionTime: now }
    this.streams.get(streamName)?.push(event)
    this.files.get(streamName)?.write(`${JSON.stringify(event)}\n`)
  }

  /** Closes the stream's file. The events stay readable. */
  closeStream(streamName: string): void {
    const file = this.files.get(streamName)
    if (file !== undefined) {
      this.files.delete(streamName)
      file.end()
    }
  }

  getEvents(streamName: string): readonly LogEvent[] | undefined {
    return this.streams.get(streamName)
  }

  async close(): Promise<void> {
    const closing = [...this.files.values()].map(
      (file) => new Promise<void>((resolve) => file.end(resolve)),
    )
    this.files.clear()
    await Promise.all(closing)
  }
}
