import t from 'tap'
import { InvalidCursorError } from '../src/errors.js'
import { CursorCodec } from '../src/util/cursor.js'

const codec = new CursorCodec('k'.repeat(32))

t.test('cursor round-trips a key in its scope', async (t) => {
  const cursor = codec.encode({ runId: 'run-1', createdKey: '2026#run-1' }, 'scope-a')
  t.same(codec.decode(cursor, 'scope-a'), { runId: 'run-1', createdKey: '2026#run-1' })
})

t.test('cursor from another scope is rejected', async (t) => {
  const cursor = codec.encode({ runId: 'run-1' }, 'scope-a')
  t.throws(() => codec.decode(cursor, 'scope-b'), InvalidCursorError)
})

t.test('tampered cursor is rejected', async (t) => {
  const cursor = codec.encode({ userId: 'alice' }, 'scope-a')
  const [, signature] = cursor.split('.')
  const forged = `${Buffer.from(JSON.stringify({ userId: 'bob' })).toString('base64url')}.${signature}`
  t.throws(() => codec.decode(forged, 'scope-a'), InvalidCursorError)
  t.throws(() => codec.decode('garbage', 'scope-a'), InvalidCursorError)
  t.throws(() => codec.decode('a.b.c', 'scope-a'), InvalidCursorError)
})

t.test('short keys are refused', async (t) => {
  t.throws(() => new CursorCodec('short'))
})
