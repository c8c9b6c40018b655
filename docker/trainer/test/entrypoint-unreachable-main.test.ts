import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { childNodeVariables, startEntrypoint } from './helpers/entrypoint.js'
import { freePort } from './helpers/free-port.js'
import { within } from './helpers/processes.js'

t.test('unreachable main node fails after the rendezvous timeout', async (t) => {
  const directory = t.testdir()
  const port = await freePort()
  const variables = childNodeVariables(port, { TRAINER_RENDEZVOUS_TIMEOUT_SECONDS: '2' })

  const run = startEntrypoint(t.teardown, variables, ['touch', join(directory, 'command-ran')])
  const result = await within(run.finished, 60_000, 'the entrypoint')

  t.equal(result.code, 69, 'exits 69 (EX_UNAVAILABLE)')
  t.match(
    result.stderr,
    `error: the main node's rendezvous port 127.0.0.1:${port} did not open within 2 s`,
  )
  t.match(result.stderr, /raise TRAINER_RENDEZVOUS_TIMEOUT_SECONDS/)
  t.notOk(existsSync(join(directory, 'command-ran')), 'the training command never ran')
})
