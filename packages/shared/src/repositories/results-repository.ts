import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb'
import { TrainplaneError } from '../errors.js'
import { type TableNames, TTL_ATTRIBUTE } from '../tables/table-definitions.js'
import type { CursorCodec } from '../util/cursor.js'
import { backoffDelay, sleep } from './conditional.js'
import { type Page, queryPage } from './pagination.js'

export const METRIC_NAME_PATTERN = '^[A-Za-z0-9_.\\-/]{1,128}$'
const metricName = new RegExp(METRIC_NAME_PATTERN)

/** Steps are zero-padded in the sort key so they sort numerically. */
const STEP_DIGITS = 12
export const MAX_METRIC_STEP = 10 ** STEP_DIGITS - 1

/** BatchWriteItem takes at most 25 items a call (DynamoDB API reference). */
const BATCH_WRITE_LIMIT = 25
const MAX_UNPROCESSED_RETRIES = 8

/** Metric points are kept 180 days unless configured otherwise; final results are kept. */
const DEFAULT_METRIC_RETENTION_DAYS = 180

export interface MetricPoint {
  name: string
  step: number
  value: number
  /** ISO time the training code recorded the point. */
  at?: string
}

export interface RunResults {
  runId: string
  results: Record<string, unknown>
  reportedAt: string
}

/** Unprocessed items were still left after every retry. */
export class UnprocessedItemsError extends TrainplaneError {
  constructor(
    readonly table: string,
    readonly remaining: number,
  ) {
    super(`${remaining} items were still unprocessed by DynamoDB after retries (table ${table})`)
  }
}

export class ResultsRepository {
  readonly #document: DynamoDBDocumentClient
  readonly #table: string
  readonly #cursors: CursorCodec
  readonly #metricRetentionSeconds: number

  constructor(
    document: DynamoDBDocumentClient,
    tables: TableNames,
    cursors: CursorCodec,
    metricRetentionDays = DEFAULT_METRIC_RETENTION_DAYS,
  ) {
    this.#document = document
    this.#table = tables.results
    this.#cursors = cursors
    this.#metricRetentionSeconds = metricRetentionDays * 24 * 3600
  }

  /**
   * Stores metric points. A point is keyed by run, name and step, so a repeated report of the
   * same step overwrites it rather than adding a duplicate. Items DynamoDB leaves unprocessed
   * are retried with backoff.
   *
   * @throws UnprocessedItemsError when items remain unprocessed after the retries
   */
  async putMetrics(runId: string, points: readonly MetricPoint[], now = new Date()): Promise<void> {
    const expiresAt = Math.floor(now.getTime() / 1000) + this.#metricRetentionSeconds
    const requests = points.map((point) => {
      if (!metricName.test(point.name)) {
        throw new TrainplaneError(`metric name ${JSON.stringify(point.name)} is invalid`)
      }
      return {
        PutRequest: {
          Item: {
            runId,
            itemKey: metricKey(point.name, point.step),
            name: point.name,
            step: point.step,
            value: point.value,
            at: point.at ?? now.toISOString(),
            [TTL_ATTRIBUTE]: expiresAt,
          },
        },
      }
    })

    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
      await this.#writeAll(requests.slice(start, start + BATCH_WRITE_LIMIT))
    }
  }

  async #writeAll(
    requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string],
  ): Promise<void> {
    let pending = requests
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > MAX_UNPROCESSED_RETRIES) {
        throw new UnprocessedItemsError(this.#table, pending.length)
      }
      if (attempt > 0) {
        await sleep(backoffDelay(attempt))
      }
      const result = await this.#document.send(
        new BatchWriteCommand({ RequestItems: { [this.#table]: pending } }),
      )
      pending = result.UnprocessedItems?.[this.#table] ?? []
    }
  }

  /** A run's points of one metric, in step order. */
  listMetric(
    runId: string,
    name: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<MetricPoint>> {
    return this.#listPoints(runId, `metric#${name}#`, options)
  }

  /** A run's metric points of every name, ordered by name, then step. */
  listMetrics(
    runId: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<MetricPoint>> {
    return this.#listPoints(runId, 'metric#', options)
  }

  async #listPoints(
    runId: string,
    prefix: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<MetricPoint>> {
    const page = await queryPage<MetricPoint>({
      document: this.#document,
      cursors: this.#cursors,
      table: this.#table,
      partition: { attribute: 'runId', value: runId },
      sortAttribute: 'itemKey',
      sortBeginsWith: prefix,
      tableKeys: [],
      newestFirst: false,
      limit: options.limit,
      cursor: options.cursor,
    })
    const items = page.items.map(({ name, step, value, at }) => ({
      name,
      step,
      value,
      ...(at !== undefined && { at }),
    }))
    return { ...page, items }
  }

  /** Stores a run's final results, replacing earlier ones. */
  async putResults(
    runId: string,
    results: Record<string, unknown>,
    now = new Date(),
  ): Promise<RunResults> {
    const record = { runId, itemKey: 'result', results, reportedAt: now.toISOString() }
    await this.#document.send(new PutCommand({ TableName: this.#table, Item: record }))
    return { runId, results, reportedAt: record.reportedAt }
  }

  async getResults(runId: string): Promise<RunResults | undefined> {
    const result = await this.#document.send(
      new GetCommand({ TableName: this.#table, Key: { runId, itemKey: 'result' } }),
    )
    if (!result.Item) return undefined
    const { results, reportedAt } = result.Item as RunResults
    return { runId, results, reportedAt }
  }
}

function metricKey(name: string, step: number): string {
  if (!Number.isInteger(step) || step < 0 || step > MAX_METRIC_STEP) {
    throw new TrainplaneError(
      `metric step ${step} is invalid; use an integer from 0 to ${MAX_METRIC_STEP}`,
    )
  }
  return `metric#${name}#${String(step).padStart(STEP_DIGITS, '0')}`
}
