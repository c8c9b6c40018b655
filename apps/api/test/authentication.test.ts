import t, { type Test } from 'tap'
import { bearer, startTestApp } from './helpers/app.js'
import { startJwksServer } from './helpers/jwks-server.js'
import {
  accessClaims,
  createSigningKey,
  signHs256,
  signRs256,
  unsignedToken,
} from './helpers/tokens.js'

const CLIENT_ID = 'cli-client'
const trusted = createSigningKey('key-1')
const rotated = createSigningKey('key-2')
const stranger = createSigningKey('key-1')

/** Fields a 401 body may have; anything else would be detail an attacker could use. */
const ERROR_FIELDS = ['code', 'message', 'requestId']

async function setup(t: Test, env: Record<string, string> = {}) {
  const jwks = await startJwksServer(t, [trusted])
  let now = Date.now()
  const api = await startTestApp(t, {
    issuer: jwks.issuer,
    clientIds: [CLIENT_ID],
    env,
    captureLogs: true,
    now: () => now,
  })
  const get = (headers: Record<string, string>) =>
    api.app.inject({ method: 'GET', url: '/v1/queues', headers })
  return {
    ...api,
    jwks,
    get,
    advanceClock: (ms: number) => {
      now += ms
    },
    token: (overrides: Record<string, unknown> = {}, key = trusted) =>
      signRs256(key, accessClaims(jwks.issuer, CLIENT_ID, overrides)),
  }
}

function assertRejected(t: Test, response: { statusCode: number; json(): unknown }, code: string) {
  t.equal(response.statusCode, 401, 'status is 401')
  const body = response.json() as { error: Record<string, unknown> }
  t.equal(body.error.code, code, `code is ${code}`)
  t.same(Object.keys(body.error).sort(), ERROR_FIELDS, 'body carries no detail')
}

t.test('accepts an access token signed by the configured JWKS', async (t) => {
  const { get, token } = await setup(t)

  const response = await get(bearer(token()))

  t.equal(response.statusCode, 200)
  t.equal(response.json().items.length, 2)
})

t.test('rejects every forged or unusable token with a stable 401', async (t) => {
  const { get, token, jwks } = await setup(t)
  const publicPem = trusted.publicKey.export({ format: 'pem', type: 'spki' })
  const now = Math.floor(Date.now() / 1000)

  const cases: [string, Record<string, string>, string][] = [
    ['missing header', {}, 'API_ERR_AUTH_MISSING'],
    ['basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'API_ERR_AUTH_MISSING'],
    ['empty bearer', { authorization: 'Bearer ' }, 'API_ERR_AUTH_INVALID'],
    ['garbage', bearer('not-a-jwt'), 'API_ERR_AUTH_INVALID'],
    ['garbage with dots', bearer('a.b.c'), 'API_ERR_AUTH_INVALID'],
    [
      'alg none',
      bearer(unsignedToken(accessClaims(jwks.issuer, CLIENT_ID), { kid: 'key-1' })),
      'API_ERR_AUTH_INVALID',
    ],
    [
      'HS256 signed with the RSA public key',
      bearer(signHs256(publicPem, accessClaims(jwks.issuer, CLIENT_ID), { kid: 'key-1' })),
      'API_ERR_AUTH_INVALID',
    ],
    [
      'wrong issuer',
      bearer(token({ iss: 'https://cognito-idp.example.com/other' })),
      'API_ERR_AUTH_INVALID',
    ],
    ['expired', bearer(token({ exp: now - 600, iat: now - 4200 })), 'API_ERR_AUTH_EXPIRED'],
    ['not yet valid', bearer(token({ nbf: now + 600 })), 'API_ERR_AUTH_INVALID'],
    ['ID token', bearer(token({ token_use: 'id', aud: CLIENT_ID })), 'API_ERR_AUTH_INVALID'],
    ['refresh-like token_use', bearer(token({ token_use: 'refresh' })), 'API_ERR_AUTH_INVALID'],
    ["another app's client", bearer(token({ client_id: 'other-app' })), 'API_ERR_AUTH_INVALID'],
    ['missing exp', bearer(token({ exp: undefined })), 'API_ERR_AUTH_INVALID'],
    [
      'unknown kid',
      bearer(signRs256(rotated, accessClaims(jwks.issuer, CLIENT_ID))),
      'API_ERR_AUTH_INVALID',
    ],
    ['same kid, other key', bearer(token({}, stranger)), 'API_ERR_AUTH_INVALID'],
    ['groups not a list', bearer(token({ 'cognito:groups': 'admins' })), 'API_ERR_AUTH_INVALID'],
  ]

  for (const [name, headers, code] of cases) {
    await t.test(name, async (t) => {
      assertRejected(t, await get(headers), code)
    })
  }
})

t.test('accepts a token within the clock tolerance', async (t) => {
  const { get, token } = await setup(t, { JWT_CLOCK_TOLERANCE_SECONDS: '30' })
  const now = Math.floor(Date.now() / 1000)

  const response = await get(bearer(token({ exp: now - 10 })))

  t.equal(response.statusCode, 200)
})

t.test('accepts ID tokens only when configured, checked by aud', async (t) => {
  const { get, token } = await setup(t, { ACCEPT_ID_TOKENS: 'true' })

  const accepted = await get(
    bearer(token({ token_use: 'id', aud: CLIENT_ID, client_id: undefined })),
  )
  const otherAudience = await get(bearer(token({ token_use: 'id', aud: 'other-app' })))

  t.equal(accepted.statusCode, 200)
  assertRejected(t, otherAudience, 'API_ERR_AUTH_INVALID')
})

t.test('key rotation refetches the JWKS at most once per interval', async (t) => {
  const { get, token, jwks, advanceClock } = await setup(t, {
    JWKS_REFETCH_INTERVAL_SECONDS: '60',
  })
  const fetchesAtStart = jwks.requests()
  t.equal(fetchesAtStart, 1, 'the key set is fetched once at start')

  jwks.setKeys([trusted, rotated])
  const rotatedToken = token({}, rotated)
  t.equal((await get(bearer(rotatedToken))).statusCode, 200, 'a rotated-in key is accepted')
  t.equal(jwks.requests(), fetchesAtStart + 1, 'after one refetch')

  for (const kid of ['made-up-1', 'made-up-2', 'made-up-3']) {
    const forged = token({}, { ...createSigningKey(kid), kid })
    assertRejected(t, await get(bearer(forged)), 'API_ERR_AUTH_INVALID')
  }
  t.equal(jwks.requests(), fetchesAtStart + 1, 'unknown kids within the interval fetch nothing')

  advanceClock(61_000)
  assertRejected(
    t,
    await get(bearer(token({}, createSigningKey('made-up-4')))),
    'API_ERR_AUTH_INVALID',
  )
  t.equal(jwks.requests(), fetchesAtStart + 2, 'the next interval allows one more refetch')

  t.equal((await get(bearer(token()))).statusCode, 200, 'known keys still verify')
})

t.test('logs the rejection reason but never the token', async (t) => {
  const { get, token, logs } = await setup(t)
  const valid = token()
  const forged = token({ client_id: 'other-app' })

  await get(bearer(valid))
  await get(bearer(forged))

  const text = JSON.stringify(logs)
  t.notOk(text.includes(valid), 'the valid token is not logged')
  t.notOk(text.includes(forged), 'the rejected token is not logged')
  t.notOk(text.toLowerCase().includes('bearer'), 'no Authorization header is logged')
  t.ok(
    logs.some((line) => line.reason === 'client_id is not a configured app client'),
    'the reason is logged',
  )
})

t.test('a key removed from the JWKS stops verifying once its cache expires', async (t) => {
  const { get, token, jwks } = await setup(t, { JWKS_CACHE_SECONDS: '1' })
  t.equal((await get(bearer(token()))).statusCode, 200)

  jwks.setKeys([rotated])

  // Each attempt uses a new token, because verified tokens are cached by their hash.
  const deadline = Date.now() + 15_000
  let status = 200
  for (let attempt = 0; status === 200 && Date.now() < deadline; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    status = (await get(bearer(token({ jti: `attempt-${attempt}` })))).statusCode
  }
  t.equal(status, 401, 'tokens signed with the removed key are rejected')
  t.equal((await get(bearer(token({}, rotated)))).statusCode, 200, 'the new key verifies')
})

t.test('a JWKS outage keeps the last keys in use', async (t) => {
  const { get, token, jwks } = await setup(t, { JWKS_CACHE_SECONDS: '1' })
  t.equal((await get(bearer(token()))).statusCode, 200)
  const fetchesBefore = jwks.requests()

  jwks.setFailing(true)

  // Poll until the cached key has expired and a refetch was tried, then a little longer.
  const deadline = Date.now() + 15_000
  const statuses: number[] = []
  for (let attempt = 0; statuses.length < 5 && Date.now() < deadline; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 300))
    const status = (await get(bearer(token({ jti: `outage-${attempt}` })))).statusCode
    if (jwks.requests() > fetchesBefore) statuses.push(status)
  }
  t.same(statuses, [200, 200, 200, 200, 200], 'tokens keep verifying')
  t.equal(jwks.requests(), fetchesBefore + 1, 'one refetch per interval, not one per request')
})
