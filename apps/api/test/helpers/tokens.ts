import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto'

/** An RSA key pair for signing test tokens, and its public key as a JWK. */
export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  jwk: Record<string, unknown>
}

export function createSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }
  return { kid, privateKey, publicKey, jwk }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** Signs a JWT with RS256 and the given key; the header can be overridden. */
export function signRs256(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header })}.${encode(claims)}`
  const signature = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')
  return `${input}.${signature}`
}

/** Signs a JWT with HS256 and a secret: the classic confusion attack uses the public key. */
export function signHs256(
  secret: string | Buffer,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const input = `${encode({ alg: 'HS256', typ: 'JWT', ...header })}.${encode(claims)}`
  const signature = createHmac('sha256', secret).update(input).digest('base64url')
  return `${input}.${signature}`
}

/** Builds an unsigned JWT (`alg: none`) with an empty signature part. */
export function unsignedToken(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  return `${encode({ alg: 'none', typ: 'JWT', ...header })}.${encode(claims)}.`
}

/** Claims of a Cognito access token, valid for an hour from now. */
export function accessClaims(
  issuer: string,
  clientId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return {
    iss: issuer,
    sub: 'user-1',
    client_id: clientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    username: 'user-1',
    iat: now,
    auth_time: now,
    exp: now + 3600,
    ...overrides,
  }
}
