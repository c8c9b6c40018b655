import { createHmac, timingSafeEqual } from 'node:crypto'
import { ConfigurationError, TrainplaneError } from '../errors.js'

/**
 * RUN_TOKEN: the credential a training job uses to report its metrics and results. It is
 * visible to anyone allowed DescribeJobs, so it grants nothing but writes to one run.
 * Format: `<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`.
 */
export interface RunTokenClaims {
  /** The only run the token may write to. */
  runId: string
  /** The only thing the token allows. */
  scope: 'run:report'
  /** Expiry, epoch seconds. */
  exp: number
}

export class InvalidRunTokenError extends TrainplaneError {}

const TOKEN_PREFIX = 'rt1.'

function sign(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(TOKEN_PREFIX).update(payload).digest()
}

function keyBytes(key: string | Buffer): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key
  if (bytes.length < 32) {
    throw new ConfigurationError('the run token key must be at least 32 bytes long')
  }
  return bytes
}

/** Mints a token for one run, valid until `exp` (epoch seconds). */
export function mintRunToken(key: string | Buffer, runId: string, exp: number): string {
  const claims: RunTokenClaims = { runId, scope: 'run:report', exp }
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')
  return `${TOKEN_PREFIX}${payload}.${sign(keyBytes(key), payload).toString('base64url')}`
}

/**
 * Verifies a token's signature, expiry and run. Terminal-state checks belong to the caller,
 * which knows the run.
 *
 * @throws InvalidRunTokenError with a reason that is safe to log
 */
export function verifyRunToken(
  key: string | Buffer,
  token: string,
  runId: string,
  now = Date.now(),
): RunTokenClaims {
  if (!token.startsWith(TOKEN_PREFIX)) {
    throw new InvalidRunTokenError('run token is malformed')
  }
  const [payload, signature, ...rest] = token.slice(TOKEN_PREFIX.length).split('.')
  if (!payload || !signature || rest.length > 0) {
    throw new InvalidRunTokenError('run token is malformed')
  }

  const expected = sign(keyBytes(key), payload)
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidRunTokenError('run token signature is invalid')
  }

  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as RunTokenClaims
  if (claims.scope !== 'run:report' || claims.runId !== runId) {
    throw new InvalidRunTokenError('run token is not valid for this run')
  }
  if (claims.exp * 1000 <= now) {
    throw new InvalidRunTokenError('run token has expired')
  }
  return claims
}

/**
 * The latest moment a run can still be reporting: every attempt may wait the queue's RUNNABLE
 * limit and then run to its timeout. Tokens expire a fixed margin after that.
 */
export function runTokenExpiry(input: {
  submittedAt: Date
  attempts: number
  maxRunnableSeconds: number
  timeoutSeconds: number
  marginSeconds?: number
}): number {
  const perAttempt = input.maxRunnableSeconds + input.timeoutSeconds
  const margin = input.marginSeconds ?? 3600
  return Math.floor(input.submittedAt.getTime() / 1000) + input.attempts * perAttempt + margin
}
