import fastifyJwt from '@fastify/jwt'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type CognitoClaims, CognitoVerifier } from '../../auth/cognito-verifier.js'
import { JwksKeySource } from '../../auth/jwks-key-source.js'
import type { Principal } from '../../auth/principal.js'

export interface AuthenticationPluginOptions {
  /** Clock for the JWKS refetch interval, in epoch milliseconds; tests replace it. */
  now?: () => number
}

/**
 * Cognito authentication: @fastify/jwt with keys from the configured JWKS only, and the
 * `authenticate` hook that routes under /v1 run on every request.
 */
export default fp<AuthenticationPluginOptions>(
  async (fastify, options) => {
    const { cognito, adminGroup, defaultShareIdentifier } = fastify.config

    const keys = new JwksKeySource({
      jwksUrl: cognito.jwksUrl,
      cacheSeconds: cognito.jwksCacheSeconds,
      refetchIntervalSeconds: cognito.jwksRefetchIntervalSeconds,
      timeoutMs: cognito.jwksTimeoutMs,
      logger: fastify.log,
      ...(options.now && { now: options.now }),
    })
    const verifier = new CognitoVerifier(
      {
        issuer: cognito.issuer,
        clientIds: cognito.clientIds,
        acceptIdTokens: cognito.acceptIdTokens,
        clockToleranceSeconds: cognito.clockToleranceSeconds,
        adminGroup,
        defaultShareIdentifier,
      },
      keys,
    )

    await fastify.register(fastifyJwt, verifier.jwtOptions())
    fastify.decorate('verifier', verifier)
    fastify.decorateRequest('principal', null as unknown as Principal)

    fastify.decorate('authenticate', async (request: FastifyRequest) => {
      let claims: CognitoClaims
      try {
        claims = await request.jwtVerify<CognitoClaims>()
      } catch (err) {
        throw verifier.toAuthError(err, request.log)
      }

      try {
        request.principal = verifier.principalFrom(claims)
      } catch (err) {
        throw verifier.toAuthError(err, request.log)
      }
    })

    // The first fetch happens at start so the first request need not wait. A failure here is
    // not fatal, because /readyz reports it and the first token with a key id retries.
    fastify.addHook('onReady', async () => {
      try {
        await verifier.loadKeys()
      } catch (err) {
        fastify.log.warn({ err, jwksUrl: cognito.jwksUrl }, 'jwks not loaded at start')
      }
    })
  },
  { name: 'authentication', dependencies: ['config'] },
)
