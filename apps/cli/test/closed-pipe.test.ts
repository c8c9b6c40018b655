import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'

const main = join(import.meta.dirname, '..', 'dist', 'main.js')

t.test('output to a closed pipe exits quietly', async (t) => {
  const child = spawn(process.execPath, [main, 'submit', '--help'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.stdout.destroy()

  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))

  t.equal(code, 0)
  t.notMatch(stderr, /EPIPE|Unhandled/)
})
