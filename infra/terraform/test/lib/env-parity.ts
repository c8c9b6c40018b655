import { pathToFileURL } from 'node:url'
import type { Deployable } from './deployables.js'
import type { Body, TerraformModule } from './terraform-module.js'

/** What a config schema reads, and which of those variables it cannot start without. */
export interface ConfigVariables {
  read: Set<string>
  required: Set<string>
}

type Loader = (env: Record<string, string | undefined>) => unknown

/**
 * Calls a config loader with the sample environment, recording every variable it reads. The
 * samples must satisfy the schema; an unknown required variable makes this throw with the
 * loader's own message, which names it.
 */
function readVariables(loader: Loader, samples: Readonly<Record<string, string>>): Set<string> {
  const read = new Set<string>()
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined
      read.add(name)
      return samples[name]
    },
    has: (_target, name) => {
      if (typeof name === 'string') read.add(name)
      return typeof name === 'string' && name in samples
    },
  })

  loader(env)
  return read
}

/**
 * Finds the variables a config schema reads and those it requires, by running its loader: a
 * variable is required when the loader fails without it and succeeds with the samples.
 *
 * @param configPath - the app's src/config.ts
 * @param loaderName - the exported function that validates the environment
 * @param samples - a valid value for every variable the schema may require
 */
export async function configVariables(
  configPath: string,
  loaderName: string,
  samples: Readonly<Record<string, string>>,
): Promise<ConfigVariables> {
  const module = (await import(pathToFileURL(configPath).href)) as Record<string, unknown>
  const loader = module[loaderName]
  if (typeof loader !== 'function') {
    throw new Error(`${configPath} exports no function ${loaderName}`)
  }

  let read: Set<string>
  try {
    read = readVariables(loader as Loader, samples)
  } catch (err) {
    throw new Error(
      `${loaderName} rejects the sample environment (${(err as Error).message}); add or fix the sample in env-samples.ts`,
    )
  }

  const required = new Set<string>()
  for (const name of read) {
    const env = Object.fromEntries(
      [...read]
        .filter((other) => other !== name && samples[other] !== undefined)
        .map((other) => [other, samples[other]]),
    )
    try {
      ;(loader as Loader)(env)
    } catch {
      required.add(name)
    }
  }
  return { read, required }
}

function keysOf(value: unknown): string[] {
  return typeof value === 'object' && value !== null ? Object.keys(value as Body) : []
}

/** Reads the variable names Terraform gives a deployable, with problems finding them. */
export function terraformVariables(
  module: TerraformModule,
  deployable: Deployable,
): { names: string[]; problems: string[] } {
  const source = deployable.environment
  const problems: string[] = []

  if (source.kind === 'locals') {
    const names: string[] = []
    for (const local of source.names) {
      const value = module.locals.get(local)?.value
      if (value === undefined) problems.push(`local.${local} is not declared`)
      names.push(...keysOf(value))

      const used = [...module.resources.entries()].some(
        ([address, block]) =>
          address.startsWith('aws_ecs_task_definition.') &&
          String(block.body.container_definitions).includes(`local.${local}`),
      )
      if (!used) problems.push(`no ECS task definition passes local.${local} to its container`)
    }
    return { names, problems }
  }

  const functions = module.locals.get('functions')?.value as Record<string, Body> | undefined
  const environment = functions?.[source.functionKey]?.environment
  if (environment === undefined) {
    problems.push(`local.functions["${source.functionKey}"].environment is not declared`)
  }
  return { names: keysOf(environment), problems }
}

/** Variables that point the apps at local counterparts; on AWS they stay unset. */
const LOCAL_ONLY = /_ENDPOINT$/

/**
 * Compares what Terraform gives a deployable with what its config schema reads: every required
 * variable is set, every variable set is one the schema reads, endpoint overrides stay unset,
 * and variables the runtime sets are left to it.
 */
export function compareEnvironment(
  given: string[],
  config: ConfigVariables,
  providedByRuntime: readonly string[],
): string[] {
  const problems: string[] = []
  const set = new Set(given)

  for (const name of [...config.required].sort()) {
    if (!set.has(name) && !providedByRuntime.includes(name)) {
      problems.push(`${name} is required by the config schema but Terraform does not set it`)
    }
  }
  for (const name of [...set].sort()) {
    if (providedByRuntime.includes(name)) {
      problems.push(`${name} is set by the runtime; Terraform must not set it`)
    } else if (LOCAL_ONLY.test(name)) {
      problems.push(`${name} points at a local counterpart; leave it unset on AWS`)
    } else if (!config.read.has(name)) {
      problems.push(`${name} is set by Terraform but the config schema does not read it`)
    }
  }
  return problems
}
