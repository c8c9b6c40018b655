#!/usr/bin/env node
// npm links this file at install time, before the first build. It loads the built command,
// or prints how to build it when the build output is missing.
import { existsSync } from 'node:fs'

const entry = new URL('../dist/local/cli.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write(
    'trainplane-lambda-host is not built yet; run `npm run build` at the repository root first\n',
  )
  process.exit(1)
}
await import(entry.href)
