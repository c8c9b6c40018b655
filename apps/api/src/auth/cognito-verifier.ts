import type { FastifyJWTOptions, TokenOrHeader } from '@fastify/jwt'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import { AuthExpiredError, AuthInvalidError, AuthMissingError } from '../errors.js'
import { type JwksKeySource, KeyLookupError, TOKEN_ALGORITHM } from './jwks-key-source.js'
import { type GroupMapping, mapGroups, type Principal } from './principal.js'

/** Claims of a Cognito access or ID token that the API reads. */
export interface CognitoClaims {
  iss: string
  sub: string
  exp: number
  token_use: string
  client_id?: string
  aud?: string | string[]
  username?: string
  'cognito:username'?: string
  'cognito:groups'?: unknown
  email?: string
  [claim: string]: unknown
}

export interface CognitoVerifierOptions extends GroupMapping {
  /** The one issuer trusted, `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  issuer: string
  /** App clients whose tokens are accepted. */
  clientIds: string[]
  /** Whether ID tokens are accepted beside access tokens. */
  acceptIdTokens: boolean
  clockToleranceSeconds: number
}

/** A token that decoded and verified but is not one this API accepts. */
export class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`token rejected: ${reason}`)
    this.name = 'TokenRejectedError'
  }
}

/** Verified tokens are cached by their hash until they expire, at most this long. */
const VERIFIED_TOKEN_CACHE_MS = 60_000
const VERIFIED_TOKEN_CACHE_SIZE = 1000
const MAX_KEY_ID_LENGTH = 256
const MAX_SUBJECT_LENGTH = 128

/**
 * Verifies Cognito JWTs for @fastify/jwt against one configured issuer and its JWKS.
 *
 * Keys come only from the configured JWKS URL. Before any key lookup, the token must name
 * RS256 and the configured issuer, so neither `alg: none`, an HMAC token signed with the public
 * key, nor a foreign issuer ever reaches the key source. Cognito's rules on top of the
 * signature: access tokens (`token_use=access`) must name a configured app client in
 * `client_id`; ID tokens (`token_use=id`) are accepted only when configured, and must name one
 * in `aud` (Amazon Cognito developer guide, "Verifying JSON web tokens").
 */
export class CognitoVerifier {
  readonly #options: CognitoVerifierOptions
  readonly #keys: JwksKeySource
  readonly #clientIds: Set<string>

  constructor(options: CognitoVerifierOptions, keys: JwksKeySource) {
    this.#options = options
    this.#keys = keys
    this.#clientIds = new Set(options.clientIds)
  }

  /** Whether the signing keys are loaded, trying a load at most once per refetch interval. */
  ensureKeysLoaded(): Promise<boolean> {
    return this.#keys.ensureLoaded()
  }

  /** Fetches the signing keys ahead of the first request. */
  loadKeys(): Promise<void> {
    return this.#keys.load()
  }

  /** Options for registering @fastify/jwt in verify-only mode. */
  jwtOptions(): FastifyJWTOptions {
    return {
      secret: (_request: FastifyRequest, token: TokenOrHeader) =>
        this.#publicKeyFor(token as DecodedToken),
      decode: { complete: true },
      verify: {
        algorithms: [TOKEN_ALGORITHM],
        allowedIss: this.#options.issuer,
        clockTolerance: this.#options.clockToleranceSeconds * 1000,
        requiredClaims: ['iss', 'sub', 'exp', 'token_use'],
        cache: VERIFIED_TOKEN_CACHE_SIZE,
        cacheTTL: VERIFIED_TOKEN_CACHE_MS,
      },
    }
  }

  /**
   * Checks the Cognito-specific claims of a verified token and maps them to the caller.
   *
   * @throws TokenRejectedError for a token of the wrong kind, app client or shape
   */
  principalFrom(claims: CognitoClaims): Principal {
    const clientId = this.#clientOf(claims)

    if (
      typeof claims.sub !== 'string' ||
      claims.sub === '' ||
      claims.sub.length > MAX_SUBJECT_LENGTH
    ) {
      throw new TokenRejectedError('invalid sub')
    }

    const groups = claims['cognito:groups'] ?? []
    if (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string')) {
      throw new TokenRejectedError('invalid cognito:groups')
    }

    const username = claims.token_use === 'id' ? claims['cognito:username'] : claims.username
    const email = claims.token_use === 'id' ? claims.email : undefined

    return {
      userId: claims.sub,
      ...(typeof username === 'string' && { username }),
      ...(typeof email === 'string' && { email }),
      groups,
      ...mapGroups(groups, this.#options),
      tokenUse: claims.token_use === 'id' ? 'id' : 'access',
      clientId,
    }
  }

  /**
   * Turns any failure of token verification into one of the three 401 errors, and logs the
   * reason, never the token.
   */
  toAuthError(err: unknown, logger: FastifyBaseLogger): Error {
    const code = (err as { code?: unknown } | null)?.code

    if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER') {
      return new AuthMissingError()
    }
    if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED') {
      logger.info({ reason: 'expired' }, 'token rejected')
      return new AuthExpiredError()
    }

    if (err instanceof TokenRejectedError || err instanceof KeyLookupError) {
      logger.info({ reason: err.reason }, 'token rejected')
      if (err instanceof KeyLookupError && err.cause) {
        logger.warn({ err: err.cause }, 'signing key lookup failed')
      }
    } else {
      logger.info(
        { reason: typeof code === 'string' ? code : 'verification failed' },
        'token rejected',
      )
    }
    return new AuthInvalidError()
  }

  async #publicKeyFor(token: DecodedToken): Promise<string> {
    const { header, payload } = token
    if (header?.alg !== TOKEN_ALGORITHM) {
      throw new TokenRejectedError('algorithm is not RS256')
    }
    if (
      typeof header.kid !== 'string' ||
      header.kid === '' ||
      header.kid.length > MAX_KEY_ID_LENGTH
    ) {
      throw new TokenRejectedError('missing or invalid kid')
    }
    if (payload?.iss !== this.#options.issuer) {
      throw new TokenRejectedError('issuer is not the configured one')
    }
    return this.#keys.publicKey(header.kid)
  }

  #clientOf(claims: CognitoClaims): string {
    if (claims.token_use === 'access') {
      if (typeof claims.client_id !== 'string' || !this.#clientIds.has(claims.client_id)) {
        throw new TokenRejectedError('client_id is not a configured app client')
      }
      return claims.client_id
    }

    if (claims.token_use === 'id') {
      if (!this.#options.acceptIdTokens) {
        throw new TokenRejectedError('ID tokens are not accepted')
      }
      // Cognito ID tokens carry one audience, the app client id.
      if (typeof claims.aud !== 'string' || !this.#clientIds.has(claims.aud)) {
        throw new TokenRejectedError('aud is not a configured app client')
      }
      return claims.aud
    }

    throw new TokenRejectedError('token_use is neither access nor id')
  }
}

interface DecodedToken {
  header?: { alg?: unknown; kid?: unknown }
  payload?: { iss?: unknown }
}
