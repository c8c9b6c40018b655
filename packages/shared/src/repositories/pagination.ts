import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { CursorCodec } from '../util/cursor.js'
import { ExpressionBuilder } from './expression.js'

export interface Page<T> {
  items: T[]
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string
}

export interface QueryPageInput {
  document: DynamoDBDocumentClient
  cursors: CursorCodec
  table: string
  index?: string
  partition: { attribute: string; value: string }
  sortAttribute?: string
  /** Key attributes of the table itself, which DynamoDB needs in an index's start key. */
  tableKeys: string[]
  newestFirst: boolean
  limit: number
  cursor?: string | undefined
  sortBeginsWith?: string
  filter?: { attribute: string; value: unknown }
}

/**
 * A filtered query can return empty DynamoDB pages, so one listing reads at most this many
 * before it returns what it found with a cursor.
 */
const MAX_READS_PER_PAGE = 10

/**
 * Reads one page of a Query behind an opaque, signed cursor. With a filter, it keeps reading
 * until the page is full or the partition ends, and the cursor then points just after the last
 * item returned, so nothing is skipped or repeated between pages.
 */
export async function queryPage<T extends object>(input: QueryPageInput): Promise<Page<T>> {
  const scope = JSON.stringify([
    input.table,
    input.index ?? '',
    input.partition.value,
    input.sortBeginsWith ?? '',
    input.filter?.value ?? '',
    input.newestFirst ? 'desc' : 'asc',
  ])
  let startKey = input.cursor === undefined ? undefined : input.cursors.decode(input.cursor, scope)

  const keyAttributes = [
    ...input.tableKeys,
    input.partition.attribute,
    ...(input.sortAttribute ? [input.sortAttribute] : []),
  ]

  const items: T[] = []
  let exhausted = false

  for (let read = 0; read < MAX_READS_PER_PAGE && items.length < input.limit; read++) {
    const expression = new ExpressionBuilder()
    let keyCondition = `${expression.name(input.partition.attribute)} = ${expression.value(input.partition.value)}`
    if (input.sortBeginsWith !== undefined && input.sortAttribute) {
      keyCondition += ` AND begins_with(${expression.name(input.sortAttribute)}, ${expression.value(input.sortBeginsWith)})`
    }
    const filter = input.filter
      ? `${expression.name(input.filter.attribute)} = ${expression.value(input.filter.value)}`
      : undefined

    const result = await input.document.send(
      new QueryCommand({
        TableName: input.table,
        ...(input.index && { IndexName: input.index }),
        KeyConditionExpression: keyCondition,
        ...(filter && { FilterExpression: filter }),
        ScanIndexForward: !input.newestFirst,
        Limit: input.limit - items.length,
        ...(startKey && { ExclusiveStartKey: startKey }),
        ...expression.attributes(),
      }),
    )

    items.push(...((result.Items ?? []) as T[]))
    startKey = result.LastEvaluatedKey
    if (!startKey) {
      exhausted = true
      break
    }
  }

  if (exhausted) {
    return { items }
  }

  const last = items[items.length - 1] as Record<string, unknown> | undefined
  const resumeKey = last
    ? Object.fromEntries(keyAttributes.map((attribute) => [attribute, last[attribute]]))
    : startKey
  return resumeKey ? { items, nextCursor: input.cursors.encode(resumeKey, scope) } : { items }
}
