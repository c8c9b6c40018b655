import { startTestApp, type TestApp, type TestAppOptions } from './app.js'
import { startJwksServer } from './jwks-server.js'
import { accessClaims, createSigningKey, signRs256 } from './tokens.js'

export const CLIENT_ID = 'cli-client'

export interface ForgedIdentityApp extends TestApp {
  /** Headers with a valid access token for a user id, in the given Cognito groups. */
  as(userId: string, groups?: string[]): { authorization: string }
}

/**
 * Builds the API trusting a local JWKS whose key the test holds, so a test can act as any user
 * without a user pool. The cognito tests cover tokens from a real pool.
 */
export async function startForgedIdentityApp(
  t: { teardown(fn: () => unknown): void },
  options: Partial<TestAppOptions> = {},
): Promise<ForgedIdentityApp> {
  const key = createSigningKey('test-key')
  const jwks = await startJwksServer(t, [key])
  const api = await startTestApp(t, { issuer: jwks.issuer, clientIds: [CLIENT_ID], ...options })
  return {
    ...api,
    as: (userId, groups = []) => {
      const claims = accessClaims(jwks.issuer, CLIENT_ID, {
        sub: userId,
        username: userId,
        ...(groups.length > 0 && { 'cognito:groups': groups }),
      })
      return { authorization: `Bearer ${signRs256(key, claims)}` }
    },
  }
}
