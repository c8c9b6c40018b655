import { InvalidRunTokenError, verifyRunToken } from '@trainplane/shared'
import type { FastifyBaseLogger } from 'fastify'
import { RunTokenExpiredError, RunTokenInvalidError, RunTokenMissingError } from '../errors.js'

const BEARER = /^Bearer +(\S+) *$/i

/**
 * Checks the run token in an Authorization header against the run named in the path. Every
 * failure is a 401 with a fixed message, and the reason goes to the log at info.
 *
 * @param key - RUN_TOKEN_KEY, the key the worker signs tokens with
 * @param authorization - the Authorization header as received
 * @param runId - the run id from the path, which the token must name
 * @throws RunTokenMissingError, RunTokenExpiredError or RunTokenInvalidError
 */
export function checkRunToken(
  key: string,
  authorization: string | undefined,
  runId: string,
  log: FastifyBaseLogger,
): void {
  const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1]
  if (token === undefined) {
    log.info({ runId, reason: 'no bearer token' }, 'run token rejected')
    throw authorization === undefined ? new RunTokenMissingError() : new RunTokenInvalidError()
  }

  try {
    verifyRunToken(key, token, runId)
    return
  } catch (err) {
    if (!(err instanceof InvalidRunTokenError)) throw err
    log.info({ runId, reason: err.message }, 'run token rejected')
  }

  // The shared verifier raises one error class for every reason. A token that verifies when
  // the clock is set to 0 failed on its expiry alone, which is the one reason a client sees.
  if (isOnlyExpired(key, token, runId)) {
    throw new RunTokenExpiredError()
  }
  throw new RunTokenInvalidError()
}

function isOnlyExpired(key: string, token: string, runId: string): boolean {
  try {
    verifyRunToken(key, token, runId, 0)
    return true
  } catch {
    return false
  }
}
