import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { isConditionFailure } from '@trainplane/shared'
import { sleep } from '../util/sleep.js'

/** Key prefix of the counter items in the runs table; no run id starts with it. */
export const COUNTER_PREFIX = 'ratelimit#batch-submit#'

/** Counters are needed for one second; DynamoDB's TTL removes them some time after this. */
const COUNTER_TTL_SECONDS = 120

/** Spreads the replicas that wait for the next second over its first part. */
const MAX_JITTER_MS = 50

/** A slot was not free before the caller's deadline. */
export class RateLimitTimeoutError extends Error {
  constructor(readonly waitedMs: number) {
    super(`no SubmitJob slot became free within ${waitedMs} ms`)
    this.name = 'RateLimitTimeoutError'
  }
}

export interface AcquireOptions {
  /** Epoch milliseconds after which the caller no longer wants a slot. */
  deadline: number
  signal?: AbortSignal
}

/**
 * An account-wide budget of SubmitJob calls a second, shared by every worker replica through
 * one counter item per wall-clock second in the runs table. Taking a slot is one conditional
 * increment (`count < limit`), so replicas together never exceed the limit within a second,
 * whatever their number. When the second's slots are gone, a caller waits for the next second.
 *
 * Each replica's clock decides which second a call counts against. Clocks that disagree by a
 * fraction of a second can let two adjacent seconds' budgets overlap briefly, and the default
 * budget of 40 (below Batch's 50) leaves room for that.
 */
export class SubmitRateLimiter {
  readonly #document: DynamoDBDocumentClient
  readonly #table: string
  readonly #limit: number

  constructor(document: DynamoDBDocumentClient, runsTable: string, limitPerSecond: number) {
    this.#document = document
    this.#table = runsTable
    this.#limit = limitPerSecond
  }

  /**
   * Takes one slot, waiting for a later second when the current one is full.
   *
   * @returns the epoch second the slot belongs to
   * @throws RateLimitTimeoutError when no slot is free before the deadline; the signal's reason
   *   when it aborts
   */
  async acquire(options: AcquireOptions): Promise<number> {
    const started = Date.now()
    for (;;) {
      options.signal?.throwIfAborted()
      const now = Date.now()
      const second = Math.floor(now / 1000)
      if (await this.#tryTake(second)) {
        return second
      }

      const nextSecond = (second + 1) * 1000 + Math.random() * MAX_JITTER_MS
      if (nextSecond >= options.deadline) {
        throw new RateLimitTimeoutError(now - started)
      }
      await sleep(nextSecond - now, options.signal)
    }
  }

  async #tryTake(second: number): Promise<boolean> {
    try {
      await this.#document.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { runId: `${COUNTER_PREFIX}${second}` },
          UpdateExpression:
            'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': this.#limit,
            ':expiresAt': second + COUNTER_TTL_SECONDS,
          },
        }),
      )
      return true
    } catch (err) {
      if (isConditionFailure(err)) {
        return false
      }
      throw err
    }
  }
}
