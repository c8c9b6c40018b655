import { UsageError } from '../errors.js'
import type { Invocation } from '../invocation.js'
import { parseWholeNumber } from '../spec/option-values.js'

export interface PageOptions {
  limit?: string
  cursor?: string
}

/** The API returns at most 100 items a page. */
const MAX_PAGE_SIZE = 100

/** Reads `--limit` and `--cursor` into query parameters. */
export function pageQuery(options: PageOptions): { limit?: number; cursor?: string } {
  const query: { limit?: number; cursor?: string } = {}
  if (options.limit !== undefined) {
    const limit = parseWholeNumber(options.limit, '--limit')
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new UsageError(`option --limit ${limit} is out of range; use 1 to ${MAX_PAGE_SIZE}`)
    }
    query.limit = limit
  }
  if (options.cursor !== undefined) {
    query.cursor = options.cursor
  }
  return query
}

/** Tells people how to read the next page; scripts read `nextCursor` from the JSON. */
export function noteNextPage(invocation: Invocation, nextCursor: string | undefined): void {
  if (nextCursor !== undefined) {
    invocation.note(`More items: repeat the command with --cursor ${nextCursor}`)
  }
}
