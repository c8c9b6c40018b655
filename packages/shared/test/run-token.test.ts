import t from 'tap'
import {
  InvalidRunTokenError,
  mintRunToken,
  runTokenExpiry,
  verifyRunToken,
} from '../src/run/run-token.js'

const key = 'a'.repeat(32)
const now = Date.parse('2026-06-01T00:00:00Z')
const exp = now / 1000 + 3600

t.test('a run token is valid for its run until it expires', async (t) => {
  const token = mintRunToken(key, 'run-a', exp)
  t.same(verifyRunToken(key, token, 'run-a', now), { runId: 'run-a', scope: 'run:report', exp })
})

t.test('a run token is rejected for another run, after expiry, or altered', async (t) => {
  const token = mintRunToken(key, 'run-a', exp)
  t.throws(() => verifyRunToken(key, token, 'run-b', now), InvalidRunTokenError)
  t.throws(() => verifyRunToken(key, token, 'run-a', (exp + 1) * 1000), /expired/)
  t.throws(() => verifyRunToken('b'.repeat(32), token, 'run-a', now), /signature/)
  const [prefix, , signature] = token.split('.')
  const forged = `${prefix}.${Buffer.from(JSON.stringify({ runId: 'run-a', scope: 'run:report', exp: exp + 1e6 })).toString('base64url')}.${signature}`
  t.throws(() => verifyRunToken(key, forged, 'run-a', now), /signature/)
  t.throws(() => verifyRunToken(key, 'Bearer xyz', 'run-a', now), /malformed/)
})

t.test('expiry covers every attempt in queue and running, plus a margin', async (t) => {
  const submittedAt = new Date(now)
  const expiry = runTokenExpiry({
    submittedAt,
    attempts: 3,
    maxRunnableSeconds: 600,
    timeoutSeconds: 3600,
    marginSeconds: 60,
  })
  t.equal(expiry, now / 1000 + 3 * 4200 + 60)
})
