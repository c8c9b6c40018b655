import { randomBytes } from 'node:crypto'

/** Crockford's base32, as ULID uses: sortable, no ambiguous letters. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

function encodeTime(ms: number, length: number): string {
  let out = ''
  let rest = ms
  for (let i = 0; i < length; i++) {
    out = ALPHABET[rest % 32] + out
    rest = Math.floor(rest / 32)
  }
  return out
}

function encodeRandom(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) {
    out += ALPHABET[byte % 32]
  }
  return out
}

/**
 * Makes a ULID: 10 characters of millisecond time and 16 random ones, so ids sort by
 * creation time.
 */
export function ulid(now = Date.now()): string {
  return encodeTime(now, 10) + encodeRandom(16)
}

/** Run ids use only letters, digits and hyphens, so a Batch job name can be derived from them. */
export function newRunId(now = Date.now()): string {
  return `run-${ulid(now).toLowerCase()}`
}

export const RUN_ID_PATTERN = '^run-[0-9a-hjkmnp-tv-z]{26}$'
const runIdRegExp = new RegExp(RUN_ID_PATTERN)

export function isRunId(value: string): boolean {
  return runIdRegExp.test(value)
}
