import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb'
import type { TableNames } from '../tables/table-definitions.js'
import { isConditionFailure } from './conditional.js'
import { ExpressionBuilder, setClauses } from './expression.js'

/** A user's profile, keyed by the Cognito `sub`. */
export interface UserProfile {
  userId: string
  email?: string
  groups?: string[]
  createdAt: string
  lastSeenAt?: string
}

export class UserRepository {
  readonly #document: DynamoDBDocumentClient
  readonly #table: string

  constructor(document: DynamoDBDocumentClient, tables: TableNames) {
    this.#document = document
    this.#table = tables.users
  }

  async get(userId: string): Promise<UserProfile | undefined> {
    const result = await this.#document.send(
      new GetCommand({ TableName: this.#table, Key: { userId } }),
    )
    return result.Item as UserProfile | undefined
  }

  /**
   * Creates the profile only if none exists, as the post-confirmation trigger does.
   * Returns false when the profile already existed, which is not an error.
   */
  async createIfAbsent(
    profile: Pick<UserProfile, 'userId' | 'email' | 'createdAt'>,
  ): Promise<boolean> {
    try {
      await this.#document.send(
        new PutCommand({
          TableName: this.#table,
          Item: profile,
          ConditionExpression: 'attribute_not_exists(#userId)',
          ExpressionAttributeNames: { '#userId': 'userId' },
        }),
      )
      return true
    } catch (err) {
      if (isConditionFailure(err)) return false
      throw err
    }
  }

  /**
   * Refreshes the profile from a verified token: groups and last-seen time, creating the
   * profile with its created time when the post-confirmation trigger never ran.
   */
  async touch(input: {
    userId: string
    email?: string
    groups: string[]
    now?: Date
  }): Promise<UserProfile> {
    const at = (input.now ?? new Date()).toISOString()
    const expression = new ExpressionBuilder()
    const sets = setClauses(expression, {
      groups: input.groups,
      lastSeenAt: at,
      email: input.email,
    })
    const createdAt = expression.name('createdAt')
    sets.push(`${createdAt} = if_not_exists(${createdAt}, ${expression.value(at)})`)

    const result = await this.#document.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { userId: input.userId },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ReturnValues: 'ALL_NEW',
        ...expression.attributes(),
      }),
    )
    return result.Attributes as UserProfile
  }
}
