/**
 * Reads a JWT's payload without verifying it. The CLI only uses it to schedule a refresh and
 * to show who is signed in; the API verifies every token it receives.
 *
 * @returns the claims, or undefined when the token is not a readable JWT
 */
export function readJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) {
    return undefined
  }
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null
      ? (claims as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** Returns the `exp` claim as a Date, or undefined when the token has none. */
export function readJwtExpiry(token: string): Date | undefined {
  const exp = readJwtClaims(token)?.exp
  return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined
}
