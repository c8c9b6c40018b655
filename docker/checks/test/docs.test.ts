import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { loadCompose, publishedPorts } from './lib/compose.js'
import { IMAGES } from './lib/images.js'
import { COMPOSE_FILE, REPOSITORY_ROOT } from './lib/paths.js'

const docs = readFileSync(join(REPOSITORY_ROOT, 'docs', 'docker.md'), 'utf8')

t.test('docs state the Docker requirement', async (t) => {
  t.match(docs, /needs a Docker engine/)
  t.match(docs, /no Docker engine, so nothing here\s+builds an image or starts the stack/)
  t.match(docs, 'docker compose -f docker/compose.yaml up')
  t.match(docs, 'cd docker/checks && npx tsc -p tsconfig.json --noEmit && npx tap')
})

t.test('docs list images, services and ports', async (t) => {
  const compose = loadCompose(COMPOSE_FILE)

  for (const image of IMAGES) {
    t.match(docs, `\`${image.dockerfile}\``, image.dockerfile)
  }
  for (const [name, service] of Object.entries(compose.services)) {
    const row = docs.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
    t.ok(row, `the services table has a row for ${name}`)
    for (const port of publishedPorts(service)) {
      t.match(row, port.hostPort ?? '', `${name} publishes ${port.hostPort}`)
    }
  }
})
