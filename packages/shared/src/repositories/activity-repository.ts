import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'
import { type TableNames, TTL_ATTRIBUTE } from '../tables/table-definitions.js'
import type { CursorCodec } from '../util/cursor.js'
import { ulid } from '../util/ids.js'
import { type Page, queryPage } from './pagination.js'

/** One action a user took, such as submitting or cancelling a run. */
export interface ActivityRecord {
  userId: string
  /** `<at>#<ulid>`, so a user's activity sorts by time and never collides. */
  activityKey: string
  at: string
  action: string
  runId?: string
  requestId?: string
  sourceIp?: string
  expiresAt: number
}

export type NewActivity = Omit<ActivityRecord, 'activityKey' | 'expiresAt' | 'at'> & { at?: Date }

/** Activity is kept for a year unless configured otherwise. */
const DEFAULT_RETENTION_DAYS = 365

export class ActivityRepository {
  readonly #document: DynamoDBDocumentClient
  readonly #table: string
  readonly #cursors: CursorCodec
  readonly #retentionSeconds: number

  constructor(
    document: DynamoDBDocumentClient,
    tables: TableNames,
    cursors: CursorCodec,
    retentionDays = DEFAULT_RETENTION_DAYS,
  ) {
    this.#document = document
    this.#table = tables.activity
    this.#cursors = cursors
    this.#retentionSeconds = retentionDays * 24 * 3600
  }

  /** Appends one record. The key is new each time, so an append never overwrites. */
  async append(activity: NewActivity): Promise<ActivityRecord> {
    const now = activity.at ?? new Date()
    const at = now.toISOString()
    const { at: _ignored, ...fields } = activity
    const record: ActivityRecord = {
      ...fields,
      at,
      activityKey: `${at}#${ulid(now.getTime())}`,
      [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + this.#retentionSeconds,
    }

    await this.#document.send(
      new PutCommand({
        TableName: this.#table,
        Item: record,
        ConditionExpression: 'attribute_not_exists(#activityKey)',
        ExpressionAttributeNames: { '#activityKey': 'activityKey' },
      }),
    )
    return record
  }

  /** A user's activity, newest first. */
  list(userId: string, options: { limit: number; cursor?: string }): Promise<Page<ActivityRecord>> {
    return queryPage<ActivityRecord>({
      document: this.#document,
      cursors: this.#cursors,
      table: this.#table,
      partition: { attribute: 'userId', value: userId },
      sortAttribute: 'activityKey',
      tableKeys: [],
      newestFirst: true,
      limit: options.limit,
      cursor: options.cursor,
    })
  }
}
