import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { validate } from 'dockerfile-utils'
import t from 'tap'
import { IMAGES } from './lib/images.js'
import { DOCKER_DIR, FIXTURES_DIR, REPOSITORY_ROOT } from './lib/paths.js'

// No Docker engine runs here, so these checks stand in for a build: each Dockerfile must pass
// the dockerfile-utils validator, which reports syntax errors, unknown instructions and flags,
// and invalid arguments.

/** Finds every Dockerfile under docker/, except the fixtures of these checks. */
function findDockerfiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' || path.startsWith(FIXTURES_DIR)
        ? []
        : findDockerfiles(path)
    }
    return entry.name === 'Dockerfile' || entry.name.endsWith('.Dockerfile') ? [path] : []
  })
}

function lint(path: string): string[] {
  return validate(readFileSync(path, 'utf8')).map(
    (problem) => `line ${problem.range.start.line + 1}: ${problem.message}`,
  )
}

const dockerfiles = findDockerfiles(DOCKER_DIR).map((path) => relative(REPOSITORY_ROOT, path))

t.test('every Dockerfile is registered', async (t) => {
  t.same(
    dockerfiles.sort(),
    IMAGES.map((image) => image.dockerfile).sort(),
    'lib/images.ts lists each Dockerfile under docker/',
  )
})

for (const dockerfile of dockerfiles) {
  t.test(`${dockerfile} lints clean`, async (t) => {
    t.same(lint(join(REPOSITORY_ROOT, dockerfile)), [])
  })
}

t.test('lint reports invalid instructions', async (t) => {
  const problems = lint(join(FIXTURES_DIR, 'dockerfiles', 'lint-error.Dockerfile'))

  t.match(problems, [/line 3: Invalid containerPort: http/, /line 4: Unknown instruction: RUNN/])
})
