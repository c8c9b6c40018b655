import { readFile } from 'node:fs/promises'
import { validate } from 'dockerfile-utils'
import t from 'tap'

const text = await readFile(new URL('../Dockerfile', import.meta.url), 'utf8')
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))

// No Docker engine runs on the development machines or in CI, so these checks stand in for a
// build: the Dockerfile parses, and it keeps the properties the image depends on.
t.test('Dockerfile has no validation problems', async (t) => {
  t.same(validate(text), [])
})

t.test('Dockerfile starts from a pinned PyTorch CUDA image', async (t) => {
  const argument = instructions.find((line) => line.startsWith('ARG PYTORCH_IMAGE='))
  t.match(
    argument,
    /^ARG PYTORCH_IMAGE=pytorch\/pytorch:\d+\.\d+\.\d+-cuda\d+\.\d+-cudnn\d+-runtime$/,
  )
  t.ok(
    instructions.some((line) => /^FROM \$\{PYTORCH_IMAGE\} AS base$/.test(line)),
    'the base stage starts from that image',
  )
})

t.test('Dockerfile runs the entrypoint as a non-root user', async (t) => {
  const users = instructions.filter((line) => line.startsWith('USER '))
  t.equal(users.at(-1), 'USER 10001:10001', 'the last USER is not root')
  t.ok(
    instructions.includes('ENTRYPOINT ["/opt/trainplane/docker/trainer/entrypoint.sh"]'),
    'the entrypoint is in exec form, so it receives the stop signals itself',
  )
})

t.test('Dockerfile copies the entrypoint and the reporter', async (t) => {
  t.match(text, /COPY --chmod=0755 docker\/trainer\/entrypoint\.sh docker\/trainer\/entrypoint\.sh/)
  t.match(text, /COPY .*examples\/reporter\/trainplane_reporter\.py/)
  t.notMatch(
    instructions.join('\n'),
    /nodejs|\bnpm\b|FROM node|\/node\b/i,
    'the image has no Node.js',
  )
})
