#!/usr/bin/env node
import { runCli } from './cli.js'
import { createProcessContext } from './context.js'

// A reader that closes the pipe early, such as `trainplane runs | head`, is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

process.exitCode = await runCli(process.argv.slice(2), createProcessContext())
