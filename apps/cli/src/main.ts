#!/usr/bin/env node
import { runCli } from './cli.js'
import { createProcessContext } from './context.js'

process.exitCode = await runCli(process.argv.slice(2), createProcessContext())
