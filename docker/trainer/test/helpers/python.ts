import { PYTHON, REPO_ROOT, REPORTER_DIR } from './paths.js'
import { type Started, start } from './processes.js'

type Teardown = (fn: () => void | Promise<void>) => void

/**
 * Runs Python code from the repository root with the reporter importable, and PATH and the
 * given variables only. The code can print its findings as JSON on stdout.
 */
export function startPython(
  teardown: Teardown,
  code: string,
  variables: Record<string, string> = {},
): Started {
  return startPythonArguments(teardown, ['-c', code], variables)
}

/** Runs PYTHON with the given arguments, as `startPython` runs code. */
export function startPythonArguments(
  teardown: Teardown,
  args: readonly string[],
  variables: Record<string, string> = {},
): Started {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PYTHONPATH: REPORTER_DIR,
    PYTHONUNBUFFERED: '1',
    // The repository does not ignore __pycache__ folders, so no test may leave one behind.
    PYTHONDONTWRITEBYTECODE: '1',
    ...variables,
  }
  return start(teardown, PYTHON, args, { env, cwd: REPO_ROOT })
}

/** Parses the last line of stdout as JSON. */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>
}
