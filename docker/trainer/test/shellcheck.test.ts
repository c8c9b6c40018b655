import { spawnSync } from 'node:child_process'
import t from 'tap'
import { ENTRYPOINT } from './helpers/paths.js'

t.test('entrypoint passes shellcheck', async (t) => {
  const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', ENTRYPOINT], {
    encoding: 'utf8',
  })

  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    t.fail('shellcheck is not installed; install it with `apt-get install shellcheck`')
    return
  }
  t.equal(result.status, 0, 'shellcheck reports nothing', { output: result.stdout })
})
