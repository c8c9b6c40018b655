#!/usr/bin/env node
// Counts the top-level test points of every tap results file (`.tap/test-results/**/*.tap`)
// in the workspaces and prints `N passed, N failed`. A file whose plan was not met, or that
// ended without a plan, counts as one failure, so a crashed test file is never silent.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname

function* resultFiles(dir) {
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return
  }
  for (const entry of entries) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) yield* resultFiles(path)
    else if (entry.endsWith('.tap')) yield path
  }
}

let passed = 0
let failed = 0
let skipped = 0
const failures = []

const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces
const folders = workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(join(root, pattern.slice(0, -2))).map((name) => join(pattern.slice(0, -2), name))
    : [pattern],
)

for (const folder of folders) {
  const results = join(root, folder, '.tap', 'test-results')
  for (const file of resultFiles(results)) {
    const lines = readFileSync(file, 'utf8').split('\n')
    let points = 0
    let plan
    for (const line of lines) {
      const planMatch = /^1\.\.(\d+)/.exec(line)
      if (planMatch) plan = Number(planMatch[1])
      const point = /^(not ok|ok) \d+/.exec(line)
      if (!point) continue
      points++
      if (/# SKIP/i.test(line)) skipped++
      else if (point[1] === 'ok') passed++
      else {
        failed++
        failures.push(`${file}: ${line}`)
      }
    }
    if (plan === undefined || plan !== points) {
      failed++
      failures.push(`${file}: plan ${plan ?? 'missing'}, ${points} test points`)
    }
  }
}

for (const failure of failures) console.log(`failed: ${failure}`)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
