import { createHash } from 'node:crypto'
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb'
import {
  ConditionFailedError,
  IdempotencyConflictError,
  LeaseLostError,
  RunAlreadyFinishedError,
  RunNotFoundError,
  StatusRegressionError,
} from '../errors.js'
import type { RunSpec } from '../run/run-spec.js'
import {
  canTransition,
  isTerminal,
  type RunStatus,
  STATUS_RANK,
  type StatusPosition,
  TERMINAL_STATUSES,
} from '../status/run-status.js'
import { ALL_RUNS_PARTITION, RUN_INDEXES, type TableNames } from '../tables/table-definitions.js'
import type { CursorCodec } from '../util/cursor.js'
import { newRunId } from '../util/ids.js'
import {
  backoffDelay,
  isConditionFailure,
  isTransactionConflict,
  sleep,
  transactionConditionFailed,
} from './conditional.js'
import { ExpressionBuilder, setClauses } from './expression.js'
import { type Page, queryPage } from './pagination.js'
import type { CancelKind, RunDetails, RunRecord, StatusHistoryEntry } from './run-record.js'

/** A transition's target: the new position, when, why, and fields to store with it. */
export interface TransitionTarget extends StatusPosition {
  at: string
  reason?: string
  details?: RunDetails
}

/** Idempotency records live in the runs table under this key prefix and expire after a day. */
const IDEMPOTENCY_PREFIX = 'idempotency#'
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600
const MAX_TRANSACTION_RETRIES = 8

export interface CreateRunInput {
  userId: string
  userEmail?: string
  shareIdentifier?: string
  spec: RunSpec
  /** Client-chosen key; the same key and request return the same run for a day. */
  idempotencyKey?: string
  now?: Date
}

export interface ListRunsOptions {
  status?: RunStatus
  limit: number
  cursor?: string
  /** Read oldest first, as the worker does so that a backlog is served in order. */
  oldestFirst?: boolean
}

/** The runs table: runs, their status transitions, worker leases and idempotency records. */
export class RunRepository {
  readonly #document: DynamoDBDocumentClient
  readonly #table: string
  readonly #cursors: CursorCodec

  constructor(document: DynamoDBDocumentClient, tables: TableNames, cursors: CursorCodec) {
    this.#document = document
    this.#table = tables.runs
    this.#cursors = cursors
  }

  /**
   * Stores a new run in QUEUED. With an idempotency key, a repeat of the same request returns
   * the run it created first (`created: false`), and a different request under the same key
   * raises IdempotencyConflictError.
   */
  async create(input: CreateRunInput): Promise<{ run: RunRecord; created: boolean }> {
    const now = input.now ?? new Date()
    const createdAt = now.toISOString()
    const runId = newRunId(now.getTime())

    const run: RunRecord = {
      runId,
      userId: input.userId,
      ...(input.userEmail !== undefined && { userEmail: input.userEmail }),
      ...(input.shareIdentifier !== undefined && { shareIdentifier: input.shareIdentifier }),
      spec: input.spec,
      status: 'QUEUED',
      attempt: 0,
      rank: STATUS_RANK.QUEUED,
      createdAt,
      updatedAt: createdAt,
      createdKey: `${createdAt}#${runId}`,
      listPartition: ALL_RUNS_PARTITION,
      history: [{ status: 'QUEUED', attempt: 0, at: createdAt }],
    }

    if (input.idempotencyKey === undefined) {
      await this.#document.send(
        new PutCommand({
          TableName: this.#table,
          Item: run,
          ConditionExpression: 'attribute_not_exists(#runId)',
          ExpressionAttributeNames: { '#runId': 'runId' },
        }),
      )
      return { run, created: true }
    }

    return this.#createIdempotent(run, input.idempotencyKey, now)
  }

  async #createIdempotent(
    run: RunRecord,
    idempotencyKey: string,
    now: Date,
  ): Promise<{ run: RunRecord; created: boolean }> {
    const recordKey = `${IDEMPOTENCY_PREFIX}${run.userId}#${idempotencyKey}`
    const requestHash = hashRequest(run.spec)

    for (let attempt = 0; ; attempt++) {
      try {
        await this.#document.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.#table,
                  Item: run,
                  ConditionExpression: 'attribute_not_exists(#runId)',
                  ExpressionAttributeNames: { '#runId': 'runId' },
                },
              },
              {
                Put: {
                  TableName: this.#table,
                  Item: {
                    runId: recordKey,
                    targetRunId: run.runId,
                    requestHash,
                    expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
                  },
                  ConditionExpression: 'attribute_not_exists(#runId)',
                  ExpressionAttributeNames: { '#runId': 'runId' },
                },
              },
            ],
          }),
        )
        return { run, created: true }
      } catch (err) {
        if (transactionConditionFailed(err, 1)) {
          return this.#replay(recordKey, run.userId, idempotencyKey, requestHash)
        }
        if (isTransactionConflict(err) && attempt < MAX_TRANSACTION_RETRIES) {
          await sleep(backoffDelay(attempt))
          continue
        }
        throw err
      }
    }
  }

  async #replay(
    recordKey: string,
    userId: string,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<{ run: RunRecord; created: boolean }> {
    const record = await this.#document.send(
      new GetCommand({ TableName: this.#table, Key: { runId: recordKey }, ConsistentRead: true }),
    )
    const item = record.Item as { targetRunId: string; requestHash: string } | undefined
    if (!item) {
      throw new ConditionFailedError(
        this.#table,
        { runId: recordKey },
        'idempotency record vanished',
      )
    }

    if (item.requestHash !== requestHash) {
      throw new IdempotencyConflictError(userId, idempotencyKey, item.targetRunId)
    }

    const existing = await this.get(item.targetRunId, { consistent: true })
    if (!existing) {
      throw new RunNotFoundError(item.targetRunId)
    }
    return { run: existing, created: false }
  }

  async get(runId: string, options: { consistent?: boolean } = {}): Promise<RunRecord | undefined> {
    if (runId.startsWith(IDEMPOTENCY_PREFIX)) {
      return undefined
    }
    const result = await this.#document.send(
      new GetCommand({
        TableName: this.#table,
        Key: { runId },
        ConsistentRead: options.consistent ?? false,
      }),
    )
    return result.Item as RunRecord | undefined
  }

  /**
   * Moves a run from the position the caller read to a new one, with a conditional write that
   * states the expected status and attempt. A progress transition also requires that no
   * cancel was requested meanwhile, so Batch's progress cannot hide a user's cancel.
   *
   * @throws StatusRegressionError when the move goes backwards or leaves a terminal status,
   *   without writing; ConditionFailedError when the run is no longer where the caller read it
   */
  async transition(runId: string, from: StatusPosition, to: TransitionTarget): Promise<RunRecord> {
    if (!canTransition(from, to)) {
      throw new StatusRegressionError(
        this.#table,
        { runId },
        `run cannot move from ${from.status} (attempt ${from.attempt}) to ${to.status} (attempt ${to.attempt})`,
      )
    }

    const expression = new ExpressionBuilder()
    const status = expression.name('status')
    const attempt = expression.name('attempt')
    const conditions = [
      `${status} = ${expression.value(from.status)}`,
      `${attempt} = ${expression.value(from.attempt)}`,
    ]
    if (to.status !== 'CANCELLING' && !isTerminal(to.status)) {
      conditions.push(`attribute_not_exists(${expression.name('cancelRequestedAt')})`)
    }

    const entry: StatusHistoryEntry = {
      status: to.status,
      attempt: to.attempt,
      at: to.at,
      ...(to.reason !== undefined && { reason: to.reason }),
    }
    const sets = setClauses(expression, {
      status: to.status,
      attempt: to.attempt,
      rank: STATUS_RANK[to.status],
      updatedAt: to.at,
      ...to.details,
    })
    sets.push(
      `${expression.name('history')} = list_append(${expression.name('history')}, ${expression.value([entry])})`,
    )

    const removes: string[] = []
    if (isTerminal(to.status)) {
      removes.push(expression.name('leaseOwner'), expression.name('leaseExpiresAt'))
    }

    return this.#update(
      runId,
      expression,
      `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      conditions.join(' AND '),
      `run is no longer ${from.status} at attempt ${from.attempt}`,
    )
  }

  /** Stores Batch details that do not change the status, such as a new log stream name. */
  async updateDetails(
    runId: string,
    expected: StatusPosition,
    details: RunDetails,
    at: string,
  ): Promise<RunRecord> {
    const expression = new ExpressionBuilder()
    const sets = setClauses(expression, { ...details, updatedAt: at })
    const condition = `${expression.name('status')} = ${expression.value(expected.status)} AND ${expression.name('attempt')} = ${expression.value(expected.attempt)}`
    return this.#update(
      runId,
      expression,
      `SET ${sets.join(', ')}`,
      condition,
      `run is no longer ${expected.status}`,
    )
  }

  /**
   * Claims a QUEUED run for submission: QUEUED becomes SUBMITTING with a lease.
   * Returns undefined when another worker claimed it first or it is no longer QUEUED.
   */
  async claimQueued(
    runId: string,
    owner: string,
    leaseMs: number,
    now = new Date(),
  ): Promise<RunRecord | undefined> {
    const at = now.toISOString()
    const expression = new ExpressionBuilder()
    const sets = setClauses(expression, {
      status: 'SUBMITTING',
      rank: STATUS_RANK.SUBMITTING,
      leaseOwner: owner,
      leaseExpiresAt: now.getTime() + leaseMs,
      updatedAt: at,
    })
    sets.push(
      `${expression.name('history')} = list_append(${expression.name('history')}, ${expression.value(
        [{ status: 'SUBMITTING', attempt: 0, at }],
      )})`,
    )
    const condition = `${expression.name('status')} = ${expression.value('QUEUED')}`

    try {
      return await this.#update(
        runId,
        expression,
        `SET ${sets.join(', ')}`,
        condition,
        'run is not QUEUED',
      )
    } catch (err) {
      if (err instanceof ConditionFailedError) return undefined
      throw err
    }
  }

  /**
   * Takes over a SUBMITTING run whose lease expired, for reconciliation: the worker that held it
   * may have died between SubmitJob and recording the job id.
   * Returns undefined when the lease is still live or the run moved on.
   */
  async claimExpired(
    runId: string,
    owner: string,
    leaseMs: number,
    now = new Date(),
  ): Promise<RunRecord | undefined> {
    const expression = new ExpressionBuilder()
    const sets = setClauses(expression, {
      leaseOwner: owner,
      leaseExpiresAt: now.getTime() + leaseMs,
      updatedAt: now.toISOString(),
    })
    const status = expression.name('status')
    const condition = `(${status} = ${expression.value('SUBMITTING')} OR ${status} = ${expression.value('CANCELLING')}) AND attribute_not_exists(${expression.name('jobId')}) AND ${expression.name('leaseExpiresAt')} < ${expression.value(now.getTime())}`

    try {
      return await this.#update(
        runId,
        expression,
        `SET ${sets.join(', ')}`,
        condition,
        'lease is live',
      )
    } catch (err) {
      if (err instanceof ConditionFailedError) return undefined
      throw err
    }
  }

  /**
   * Gives a claimed run back to the queue (SUBMITTING to QUEUED), after Batch throttled the
   * submission and so created no job. The only backward move the lifecycle allows, and only for
   * the lease owner.
   */
  async releaseClaim(
    runId: string,
    owner: string,
    reason: string,
    now = new Date(),
  ): Promise<RunRecord> {
    const at = now.toISOString()
    const expression = new ExpressionBuilder()
    const sets = setClauses(expression, {
      status: 'QUEUED',
      rank: STATUS_RANK.QUEUED,
      updatedAt: at,
    })
    sets.push(
      `${expression.name('history')} = list_append(${expression.name('history')}, ${expression.value(
        [{ status: 'QUEUED', attempt: 0, at, reason }],
      )})`,
    )
    const condition = `${expression.name('status')} = ${expression.value('SUBMITTING')} AND ${expression.name('leaseOwner')} = ${expression.value(owner)}`
    const update = `SET ${sets.join(', ')} REMOVE ${expression.name('leaseOwner')}, ${expression.name('leaseExpiresAt')}`

    try {
      return await this.#update(
        runId,
        expression,
        update,
        condition,
        `lease is not held by ${owner}`,
      )
    } catch (err) {
      if (err instanceof ConditionFailedError) {
        throw new LeaseLostError(this.#table, { runId }, `lease is not held by ${owner}`, {
          cause: err,
        })
      }
      throw err
    }
  }

  /**
   * Records the Batch job of a claimed run. SUBMITTING becomes SUBMITTED; a run the user
   * cancelled meanwhile stays CANCELLING and only gains the job id, so the cancel loop can stop
   * the job.
   *
   * @throws LeaseLostError when the caller no longer holds the lease
   */
  async recordSubmission(
    runId: string,
    owner: string,
    job: { jobId: string; jobName: string },
    now = new Date(),
  ): Promise<RunRecord> {
    const at = now.toISOString()
    const submitted = new ExpressionBuilder()
    const sets = setClauses(submitted, {
      status: 'SUBMITTED',
      attempt: 1,
      rank: STATUS_RANK.SUBMITTED,
      jobId: job.jobId,
      jobName: job.jobName,
      batchStatus: 'SUBMITTED',
      updatedAt: at,
    })
    sets.push(
      `${submitted.name('history')} = list_append(${submitted.name('history')}, ${submitted.value([
        { status: 'SUBMITTED', attempt: 1, at },
      ])})`,
    )
    const update = `SET ${sets.join(', ')} REMOVE ${submitted.name('leaseOwner')}, ${submitted.name('leaseExpiresAt')}`
    const condition = `${submitted.name('status')} = ${submitted.value('SUBMITTING')} AND ${submitted.name('leaseOwner')} = ${submitted.value(owner)} AND attribute_not_exists(${submitted.name('cancelRequestedAt')})`

    try {
      return await this.#update(
        runId,
        submitted,
        update,
        condition,
        'run is not SUBMITTING under this lease',
      )
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err
    }

    const cancelling = new ExpressionBuilder()
    const cancelSets = setClauses(cancelling, {
      jobId: job.jobId,
      jobName: job.jobName,
      updatedAt: at,
    })
    const cancelUpdate = `SET ${cancelSets.join(', ')} REMOVE ${cancelling.name('leaseOwner')}, ${cancelling.name('leaseExpiresAt')}`
    const cancelCondition = `${cancelling.name('status')} = ${cancelling.value('CANCELLING')} AND ${cancelling.name('leaseOwner')} = ${cancelling.value(owner)}`
    try {
      return await this.#update(
        runId,
        cancelling,
        cancelUpdate,
        cancelCondition,
        'run is not CANCELLING under this lease',
      )
    } catch (err) {
      if (err instanceof ConditionFailedError) {
        throw new LeaseLostError(this.#table, { runId }, `lease is not held by ${owner}`, {
          cause: err,
        })
      }
      throw err
    }
  }

  /**
   * Records a cancel request. A QUEUED run ends CANCELLED at once, since no Batch job exists;
   * otherwise the run becomes CANCELLING and the worker stops the job.
   *
   * @returns the run after the change
   * @throws RunAlreadyFinishedError for a run that already ended
   */
  async requestCancel(run: RunRecord, kind: CancelKind, now = new Date()): Promise<RunRecord> {
    if (isTerminal(run.status)) {
      throw new RunAlreadyFinishedError(run.runId, run.status)
    }
    const at = now.toISOString()

    if (run.status === 'QUEUED') {
      return this.transition(run.runId, run, {
        status: 'CANCELLED',
        attempt: 0,
        at,
        reason: 'cancelled before submission',
        details: {
          endReason: 'USER_CANCELLED',
          endDetail: 'cancelled before submission',
          endedAt: at,
        },
      })
    }

    if (run.status === 'CANCELLING') {
      return run
    }

    const expression = new ExpressionBuilder()
    const sets = setClauses(expression, {
      status: 'CANCELLING',
      rank: STATUS_RANK.CANCELLING,
      cancelRequestedAt: at,
      cancelKind: kind,
      updatedAt: at,
    })
    sets.push(
      `${expression.name('history')} = list_append(${expression.name('history')}, ${expression.value(
        [
          {
            status: 'CANCELLING',
            attempt: run.attempt,
            at,
            reason: kind === 'USER' ? 'cancel requested' : 'queue wait limit reached',
          },
        ],
      )})`,
    )
    const condition = `${expression.name('status')} = ${expression.value(run.status)} AND ${expression.name('attempt')} = ${expression.value(run.attempt)}`
    return this.#update(
      run.runId,
      expression,
      `SET ${sets.join(', ')}`,
      condition,
      `run is no longer ${run.status}`,
    )
  }

  /**
   * Marks a finished run as notified. Returns true for the one caller that sets it first.
   */
  async markNotified(runId: string, at: string): Promise<boolean> {
    const expression = new ExpressionBuilder()
    const status = expression.name('status')
    const terminal = TERMINAL_STATUSES.map((value) => expression.value(value)).join(', ')
    try {
      await this.#update(
        runId,
        expression,
        `SET ${expression.name('notifiedAt')} = ${expression.value(at)}`,
        `attribute_not_exists(${expression.name('notifiedAt')}) AND ${status} IN (${terminal})`,
        'run was already notified or has not ended',
      )
      return true
    } catch (err) {
      if (err instanceof ConditionFailedError) return false
      throw err
    }
  }

  /** Finds the run of a Batch job id, for state-change events. */
  async findByJobId(jobId: string): Promise<RunRecord | undefined> {
    const expression = new ExpressionBuilder()
    const result = await this.#document.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: RUN_INDEXES.byJob,
        KeyConditionExpression: `${expression.name('jobId')} = ${expression.value(jobId)}`,
        Limit: 1,
        ...expression.attributes(),
      }),
    )
    const key = result.Items?.[0] as { runId: string } | undefined
    return key ? this.get(key.runId, { consistent: true }) : undefined
  }

  /** A user's runs, newest first, optionally filtered by status. */
  listByUser(userId: string, options: ListRunsOptions): Promise<Page<RunRecord>> {
    return this.#list(RUN_INDEXES.byUser, 'userId', userId, options)
  }

  /**
   * Runs in one status, newest first unless `oldestFirst`: the worker's view of the runs it
   * must act on, and an admin filter.
   */
  listByStatus(
    status: RunStatus,
    options: Omit<ListRunsOptions, 'status'>,
  ): Promise<Page<RunRecord>> {
    return this.#list(RUN_INDEXES.byStatus, 'status', status, options)
  }

  /** Every run, newest first, optionally filtered by status; for admins. */
  listAll(options: ListRunsOptions): Promise<Page<RunRecord>> {
    if (options.status) {
      return this.listByStatus(options.status, options)
    }
    return this.#list(RUN_INDEXES.all, 'listPartition', ALL_RUNS_PARTITION, options)
  }

  #list(
    index: string,
    partitionAttribute: string,
    partitionValue: string,
    options: ListRunsOptions,
  ): Promise<Page<RunRecord>> {
    const filterStatus = partitionAttribute === 'status' ? undefined : options.status
    return queryPage<RunRecord>({
      document: this.#document,
      cursors: this.#cursors,
      table: this.#table,
      index,
      partition: { attribute: partitionAttribute, value: partitionValue },
      sortAttribute: 'createdKey',
      tableKeys: ['runId'],
      newestFirst: !options.oldestFirst,
      limit: options.limit,
      cursor: options.cursor,
      ...(filterStatus && { filter: { attribute: 'status', value: filterStatus } }),
    })
  }

  async #update(
    runId: string,
    expression: ExpressionBuilder,
    update: string,
    condition: string,
    failure: string,
  ): Promise<RunRecord> {
    try {
      const result = await this.#document.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { runId },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(${expression.name('runId')}) AND ${condition}`,
          ReturnValues: 'ALL_NEW',
          ...expression.attributes(),
        }),
      )
      return result.Attributes as RunRecord
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConditionFailedError(this.#table, { runId }, failure, { cause: err })
      }
      throw err
    }
  }
}

/** Hash of a request's content, for idempotency; key order does not matter. */
export function hashRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
