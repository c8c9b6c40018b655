import type { CliContext } from './context.js'
import { ApiResponseError, CliError } from './errors.js'
import { EXIT_ERROR } from './exit-codes.js'
import { printable } from './output/text.js'

/** Set to 1 to print the stack of unexpected errors. */
export const DEBUG_VARIABLE = 'TRAINPLANE_DEBUG'

/**
 * Prints an error as `error: <message> (<code>)`, followed by one line per invalid field, and
 * returns its exit code. An error that is not a CliError is a bug in the CLI: it gets the code
 * CLI_ERR_INTERNAL and, with TRAINPLANE_DEBUG=1, its stack.
 */
export function printError(context: CliContext, err: unknown): number {
  const write = (line: string) => context.stderr.write(`${printable(line)}\n`)

  if (!(err instanceof CliError)) {
    write(`error: ${(err as Error)?.message ?? String(err)} (CLI_ERR_INTERNAL)`)
    if (context.env[DEBUG_VARIABLE] === '1' && err instanceof Error && err.stack) {
      context.stderr.write(`${err.stack}\n`)
    }
    return EXIT_ERROR
  }

  write(`error: ${err.message} (${err.code})`)
  for (const problem of err.problems) {
    write(`  ${problem.field}: ${problem.message}`)
  }
  if (err instanceof ApiResponseError) {
    if (err.problems.length === 0 && err.field !== undefined) {
      write(`  field: ${err.field}`)
    }
    if (err.status >= 500 && err.requestId !== undefined) {
      write(`  request id: ${err.requestId}`)
    }
  }
  return err.exitCode
}
