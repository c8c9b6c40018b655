import { createHmac, timingSafeEqual } from 'node:crypto'
import { ConfigurationError, InvalidCursorError } from '../errors.js'

/**
 * Turns DynamoDB's `LastEvaluatedKey` into an opaque cursor and back. The cursor is signed
 * with a configured key and bound to the query it came from, so a client can neither read
 * the table's keys nor forge a cursor that starts another user's listing.
 */
export class CursorCodec {
  readonly #key: Buffer

  /** @param key - HMAC key, at least 32 bytes */
  constructor(key: string | Buffer) {
    this.#key = typeof key === 'string' ? Buffer.from(key, 'utf8') : key
    if (this.#key.length < 32) {
      throw new ConfigurationError('the cursor signing key must be at least 32 bytes long')
    }
  }

  #sign(payload: string, scope: string): Buffer {
    return createHmac('sha256', this.#key).update(scope).update('\n').update(payload).digest()
  }

  /**
   * @param lastKey - DynamoDB key to continue from
   * @param scope - a string naming the query (index, partition, filter); decoding checks it
   */
  encode(lastKey: Record<string, unknown>, scope: string): string {
    const payload = Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url')
    return `${payload}.${this.#sign(payload, scope).toString('base64url')}`
  }

  /** @throws InvalidCursorError for a malformed, tampered or foreign cursor */
  decode(cursor: string, scope: string): Record<string, unknown> {
    const parts = cursor.split('.')
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new InvalidCursorError('cursor is malformed')
    }

    const [payload, signature] = parts as [string, string]
    const expected = this.#sign(payload, scope)
    const given = Buffer.from(signature, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InvalidCursorError('cursor was not issued for this listing')
    }

    try {
      const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new InvalidCursorError('cursor is malformed')
      }
      return value as Record<string, unknown>
    } catch (err) {
      throw new InvalidCursorError('cursor is malformed', { cause: err })
    }
  }
}
