import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ENTRYPOINT, REPO_ROOT } from './paths.js'
import { type Started, start } from './processes.js'

type Teardown = (fn: () => void | Promise<void>) => void

/** Variables of the main node of a two-node CPU job, as Batch and the worker set them. */
export function mainNodeVariables(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_BATCH_JOB_NUM_NODES: '2',
    AWS_BATCH_JOB_NODE_INDEX: '0',
    AWS_BATCH_JOB_MAIN_NODE_INDEX: '0',
    RUN_GPUS_PER_NODE: '0',
    MASTER_PORT: '29500',
    TRAINER_NODE_ADDRESS: '127.0.0.1',
    ...overrides,
  }
}

/** Variables of the child node of a two-node CPU job whose main node listens on `port`. */
export function childNodeVariables(
  port: number,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_BATCH_JOB_NUM_NODES: '2',
    AWS_BATCH_JOB_NODE_INDEX: '1',
    AWS_BATCH_JOB_MAIN_NODE_INDEX: '0',
    AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS: '127.0.0.1',
    RUN_GPUS_PER_NODE: '0',
    MASTER_PORT: String(port),
    ...overrides,
  }
}

/**
 * Runs the entrypoint from the repository root, as batch-local runs a job's command, with
 * PATH, PYTHONDONTWRITEBYTECODE and the given variables only, so nothing from the test's own
 * environment leaks in.
 */
export function startEntrypoint(
  teardown: Teardown,
  variables: Record<string, string>,
  command: readonly string[],
): Started {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // The repository does not ignore __pycache__ folders, so no test may leave one behind.
    PYTHONDONTWRITEBYTECODE: '1',
    ...variables,
  }
  return start(teardown, 'bash', [ENTRYPOINT, ...command], { env, cwd: REPO_ROOT })
}

/** Builds a command that writes its environment to `<directory>/env-<LOCAL_RANK>`. */
export function dumpEnvironmentCommand(directory: string): string[] {
  return ['bash', '-c', 'env > "$1/env-$LOCAL_RANK"', 'dump', directory]
}

/** Reads a file written by `dumpEnvironmentCommand` into a map of variables. */
export async function readEnvironmentDump(
  directory: string,
  localRank: number,
): Promise<Record<string, string>> {
  const text = await readFile(join(directory, `env-${localRank}`), 'utf8')
  const variables: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const separator = line.indexOf('=')
    if (separator > 0) {
      variables[line.slice(0, separator)] = line.slice(separator + 1)
    }
  }
  return variables
}
