import { createPublicKey, type JsonWebKey } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import buildGetJwks from 'get-jwks'

/** A key lookup that failed; the reason goes to the log, never to the client. */
export class KeyLookupError extends Error {
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`signing key lookup failed: ${reason}`, options)
    this.name = 'KeyLookupError'
  }
}

export interface JwksKeySourceOptions {
  /** The only URL keys are fetched from. */
  jwksUrl: string
  /** How long a fetched key is used before the key set is fetched again. */
  cacheSeconds: number
  /** The key set is fetched again at most once in this interval. */
  refetchIntervalSeconds: number
  /** Limit on one fetch of the key set. */
  timeoutMs: number
  logger: FastifyBaseLogger
  /** Clock in epoch milliseconds; tests replace it. */
  now?: () => number
}

interface Jwk {
  kty: string
  kid: string
  alg?: string
  use?: string
  n: string
  e: string
}

/** The only algorithm Cognito signs tokens with, and the only one accepted. */
export const TOKEN_ALGORITHM = 'RS256'

/**
 * The RSA public keys of one configured JWKS URL, for @fastify/jwt's key lookup.
 *
 * This class fetches the whole key set itself and decides when a fetch may happen. get-jwks
 * keeps the fetched keys in its cache, whose time to live (JWKS_CACHE_SECONDS) decides when a
 * key is fetched again. A `kid` that the last fetched set did not contain, or a key whose cache
 * entry expired, triggers at most one refetch per interval. Tokens with made-up key ids
 * therefore cannot turn the API into a JWKS fetch loop. Within the interval such a token is
 * rejected at once, so a rotated-in key is accepted at the latest one interval after the last
 * refetch. A refetch drops keys that left the set, which is how a removed key stops verifying.
 * When a refetch fails, the keys of the last successful fetch stay in use.
 */
export class JwksKeySource {
  readonly #options: JwksKeySourceOptions
  readonly #getJwks: ReturnType<typeof buildGetJwks>
  /** Origin of the configured URL, part of get-jwks's cache keys. */
  readonly #domain: string
  readonly #now: () => number
  /** Keys of the last successful fetch, by key id. */
  #lastKeys = new Map<string, Jwk>()
  #loaded = false
  #lastRefetchAt = Number.NEGATIVE_INFINITY
  #reload: Promise<void> | undefined
  readonly #pems = new WeakMap<object, string>()

  constructor(options: JwksKeySourceOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now

    this.#domain = `${new URL(options.jwksUrl).origin}/`
    // get-jwks's own fetch is never called. It fetches once per unknown `kid` without a limit,
    // and when a fetch fails it returns its stale copy, even of a key that left the set.
    this.#getJwks = buildGetJwks({ max: 100, ttl: options.cacheSeconds * 1000 })
  }

  /** Whether a key set has been fetched successfully at least once. */
  get loaded(): boolean {
    return this.#loaded
  }

  /**
   * Loads the key set if no load has succeeded yet, at most once per refetch interval, and
   * returns whether keys are loaded. The readiness check calls it.
   */
  async ensureLoaded(): Promise<boolean> {
    if (!this.#loaded) {
      await this.#refetchOncePerInterval()
    }
    return this.#loaded
  }

  /**
   * Fetches the whole key set and puts every key in get-jwks's cache. Keys that left the set
   * are dropped.
   *
   * @throws KeyLookupError when the fetch fails or the set has no usable RSA key
   */
  async load(): Promise<void> {
    const keys = await this.#fetchKeySet()
    const next = new Map(keys.map((key) => [key.kid, key]))

    for (const kid of this.#lastKeys.keys()) {
      if (!next.has(kid)) {
        this.#getJwks.cache.delete(this.#cacheKey(kid))
      }
    }
    for (const key of keys) {
      this.#getJwks.cache.set(this.#cacheKey(key.kid), {
        ...key,
        domain: this.#domain,
        alg: TOKEN_ALGORITHM,
      })
    }

    this.#lastKeys = next
    this.#loaded = true
    this.#options.logger.info({ keyIds: [...next.keys()] }, 'jwks loaded')
  }

  /**
   * Returns the PEM public key for a key id of the configured key set.
   *
   * @throws KeyLookupError for a key id the key set does not contain
   */
  async publicKey(kid: string): Promise<string> {
    const cacheKey = this.#cacheKey(kid)
    const cached = this.#getJwks.cache.get(cacheKey)
    if (cached !== undefined && this.#lastKeys.has(kid)) {
      return this.#pemOf(cached)
    }

    await this.#refetchOncePerInterval()

    // A skipped or failed refetch leaves the keys of the last successful fetch in place.
    const jwk = this.#getJwks.cache.get(cacheKey) ?? this.#lastKeys.get(kid)
    if (jwk === undefined || !this.#lastKeys.has(kid)) {
      throw new KeyLookupError('unknown key id')
    }
    return this.#pemOf(jwk)
  }

  /**
   * Converts a JWK to PEM once per JWK object. The objects live until the next fetch, and
   * converting on every request costs more than verifying a token the verifier has cached.
   */
  #pemOf(jwk: object): string {
    let pem = this.#pems.get(jwk)
    if (pem === undefined) {
      pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString()
      this.#pems.set(jwk, pem)
    }
    return pem
  }

  async #refetchOncePerInterval(): Promise<void> {
    const now = this.#now()
    if (!this.#reload && now - this.#lastRefetchAt < this.#options.refetchIntervalSeconds * 1000) {
      return
    }

    if (!this.#reload) {
      this.#lastRefetchAt = now
      this.#reload = this.load().finally(() => {
        this.#reload = undefined
      })
    }
    try {
      await this.#reload
    } catch (err) {
      this.#options.logger.warn({ err, jwksUrl: this.#options.jwksUrl }, 'jwks refetch failed')
    }
  }

  async #fetchKeySet(): Promise<Jwk[]> {
    let body: unknown
    try {
      const response = await fetch(this.#options.jwksUrl, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      })
      if (!response.ok) {
        throw new Error(`JWKS URL returned HTTP ${response.status}`)
      }
      body = await response.json()
    } catch (err) {
      throw new KeyLookupError('key set could not be fetched', { cause: err })
    }

    const keys = (body as { keys?: unknown } | null)?.keys
    const usable = Array.isArray(keys) ? keys.filter(isRsaSigningKey) : []
    if (usable.length === 0) {
      throw new KeyLookupError('key set has no RSA signing key')
    }
    return usable
  }

  #cacheKey(kid: string): string {
    return this.#getJwks.generateCacheKey(TOKEN_ALGORITHM, kid, this.#domain)
  }
}

function isRsaSigningKey(value: unknown): value is Jwk {
  if (value === null || typeof value !== 'object') return false
  const key = value as Record<string, unknown>
  return (
    key.kty === 'RSA' &&
    typeof key.kid === 'string' &&
    key.kid !== '' &&
    typeof key.n === 'string' &&
    typeof key.e === 'string' &&
    (key.alg === undefined || key.alg === TOKEN_ALGORITHM) &&
    (key.use === undefined || key.use === 'sig')
  )
}
