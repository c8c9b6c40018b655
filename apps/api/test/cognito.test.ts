import { createPublicKey } from 'node:crypto'
import t, { type Test } from 'tap'
import { bearer, startTestApp } from './helpers/app.js'
import { validSpec } from './helpers/catalog.js'
import { claimsOf, startCognitoPool } from './helpers/cognito-pool.js'
import { signHs256 } from './helpers/tokens.js'

// One cognito-local pool serves every test in this file: starting it takes seconds.
const pool = await startCognitoPool(t)
const { alice, bob, carol } = pool.tokens

async function setup(t: Test, env: Record<string, string> = {}) {
  return startTestApp(t, { issuer: pool.issuer, clientIds: [pool.clientId], env })
}

t.test('accepts access tokens from the user pool and maps groups', async (t) => {
  const { app, db } = await setup(t)

  const aliceMe = await app.inject({ url: '/v1/me', headers: bearer(alice.accessToken) })
  const carolMe = await app.inject({ url: '/v1/me', headers: bearer(carol.accessToken) })

  t.equal(aliceMe.statusCode, 200)
  t.equal(aliceMe.json().userId, claimsOf(alice.accessToken).sub)
  t.ok(aliceMe.json().username, 'the username claim is passed on')
  t.same(new Set(aliceMe.json().groups), new Set(['ml-research', 'teamA']))
  t.equal(aliceMe.json().isAdmin, false)
  t.equal(aliceMe.json().shareIdentifier, 'teamA', 'the first group valid for Batch fair share')
  t.equal(carolMe.json().isAdmin, true)
  t.equal(carolMe.json().shareIdentifier, 'default', 'the admin group is never a share')

  const { UserRepository } = await import('@trainplane/shared')
  const stored = await new UserRepository(db.document, db.tables).get(aliceMe.json().userId)
  t.ok(stored?.createdAt, 'the profile is created on first call')
})

t.test('rejects an access token issued for another app client', async (t) => {
  const { app } = await setup(t)

  const response = await app.inject({
    url: '/v1/me',
    headers: bearer(pool.otherClientTokens.accessToken),
  })

  t.equal(response.statusCode, 401)
  t.equal(response.json().error.code, 'API_ERR_AUTH_INVALID')
})

t.test('rejects ID tokens unless they are enabled', async (t) => {
  const { app: strict } = await setup(t)
  const { app: lenient } = await setup(t, { ACCEPT_ID_TOKENS: 'true' })

  const rejected = await strict.inject({ url: '/v1/me', headers: bearer(alice.idToken) })
  const accepted = await lenient.inject({ url: '/v1/me', headers: bearer(alice.idToken) })
  const otherApp = await lenient.inject({
    url: '/v1/me',
    headers: bearer(pool.otherClientTokens.idToken),
  })

  t.equal(rejected.statusCode, 401)
  t.equal(rejected.json().error.code, 'API_ERR_AUTH_INVALID')
  t.equal(accepted.statusCode, 200)
  t.equal(accepted.json().email, 'alice@example.com', 'ID tokens carry the email')
  t.equal(otherApp.statusCode, 401, "another app's ID token is rejected by aud")
})

t.test('rejects HS256 signed with the pool public key', async (t) => {
  const { app } = await setup(t)
  const jwks = (await (await fetch(`${pool.issuer}/.well-known/jwks.json`)).json()) as {
    keys: Record<string, unknown>[]
  }
  const [jwk] = jwks.keys
  const publicPem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({
    format: 'pem',
    type: 'spki',
  })
  const forged = signHs256(publicPem, claimsOf(alice.accessToken), { kid: jwk?.kid })

  const response = await app.inject({ url: '/v1/me', headers: bearer(forged) })

  t.equal(response.statusCode, 401)
  t.equal(response.json().error.code, 'API_ERR_AUTH_INVALID')
})

t.test("another user cannot read, list or cancel a user's run; an admin can", async (t) => {
  const { app, db } = await setup(t)
  const aliceId = String(claimsOf(alice.accessToken).sub)
  const submitted = await app.inject({
    method: 'POST',
    url: '/v1/runs',
    headers: bearer(alice.accessToken),
    payload: validSpec(),
  })
  t.equal(submitted.statusCode, 202)
  const runId = submitted.json().runId as string
  t.equal(submitted.json().shareIdentifier, 'teamA', 'the run carries the fair-share identifier')

  const bobGet = await app.inject({ url: `/v1/runs/${runId}`, headers: bearer(bob.accessToken) })
  const bobList = await app.inject({ url: '/v1/runs', headers: bearer(bob.accessToken) })
  const bobListAlice = await app.inject({
    url: `/v1/runs?user=${aliceId}`,
    headers: bearer(bob.accessToken),
  })
  const bobListAll = await app.inject({
    url: '/v1/runs?all=true',
    headers: bearer(bob.accessToken),
  })
  const bobCancel = await app.inject({
    method: 'POST',
    url: `/v1/runs/${runId}/cancel`,
    headers: bearer(bob.accessToken),
  })

  t.equal(bobGet.statusCode, 404, 'read: 404, not 403')
  t.equal(bobGet.json().error.code, 'API_ERR_RUN_NOT_FOUND')
  t.same(bobList.json().items, [], 'list: only his own runs')
  t.equal(bobListAlice.statusCode, 403, 'listing another user is for admins')
  t.equal(bobListAll.statusCode, 403, 'listing everyone is for admins')
  t.equal(bobCancel.statusCode, 404, 'cancel: 404')
  const { RunRepository } = await import('@trainplane/shared')
  const stored = await new RunRepository(db.document, db.tables, db.cursors).get(runId)
  t.equal(stored?.status, 'QUEUED', 'the run is unchanged')

  const adminGet = await app.inject({
    url: `/v1/runs/${runId}`,
    headers: bearer(carol.accessToken),
  })
  const adminList = await app.inject({
    url: `/v1/runs?user=${aliceId}`,
    headers: bearer(carol.accessToken),
  })
  const adminAll = await app.inject({
    url: '/v1/runs?all=true',
    headers: bearer(carol.accessToken),
  })
  const adminCancel = await app.inject({
    method: 'POST',
    url: `/v1/runs/${runId}/cancel`,
    headers: bearer(carol.accessToken),
  })

  t.equal(adminGet.statusCode, 200)
  t.same(
    adminList.json().items.map((run: { runId: string }) => run.runId),
    [runId],
  )
  t.same(
    adminAll.json().items.map((run: { runId: string }) => run.runId),
    [runId],
  )
  t.equal(adminCancel.statusCode, 202)
  t.equal(adminCancel.json().status, 'CANCELLED')

  const adminActivity = await app.inject({
    url: '/v1/activity',
    headers: bearer(carol.accessToken),
  })
  t.same(
    adminActivity
      .json()
      .items.map((item: { action: string; runId: string }) => [item.action, item.runId]),
    [['run.cancel', runId]],
    "the admin's cancel is recorded as the admin's activity",
  )
})
