import { ClientException } from '../api/errors.js'
import { optionalInteger, optionalString } from '../validation/input.js'

export interface Page<T> {
  items: T[]
  nextToken: string | undefined
}

/**
 * Returns one page of `items`. The token is the offset of the next page, base64url-encoded.
 * It is opaque to callers, as Batch's tokens are, and stays valid while the list only grows.
 */
export function paginate<T>(
  items: readonly T[],
  maxResultsValue: unknown,
  nextTokenValue: unknown,
  maxAllowed: number,
): Page<T> {
  const maxResults =
    optionalInteger(maxResultsValue, 'maxResults', { min: 1, max: maxAllowed }) ?? maxAllowed
  const offset = readOffset(optionalString(nextTokenValue, 'nextToken'))
  const end = offset + maxResults
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  }
}

function readOffset(token: string | undefined): number {
  if (token === undefined || token === '') {
    return 0
  }
  const text = Buffer.from(token, 'base64url').toString('utf8')
  if (!/^\d+$/.test(text)) {
    throw new ClientException(
      `Invalid nextToken ${JSON.stringify(token)}. Pass a token from a previous response.`,
    )
  }
  return Number(text)
}
