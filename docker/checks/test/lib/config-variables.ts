import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** A configuration loader: validates an environment and throws naming what is wrong. */
export type ConfigLoader = (env: Record<string, string | undefined>) => unknown

/** A loader and a name for it in messages. */
export interface NamedLoader {
  label: string
  load: ConfigLoader
}

/**
 * Imports an exported loader, such as `loadConfig` of apps/api/src/config.ts.
 *
 * @param root - the folder `file` is relative to
 * @throws Error when the module does not export a function of that name
 */
export async function importLoader(
  root: string,
  file: string,
  exportName: string,
): Promise<NamedLoader> {
  const module = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>
  const load = module[exportName]
  if (typeof load !== 'function') {
    throw new Error(`${file} exports no function ${exportName}`)
  }
  return { label: `${exportName} (${file})`, load: load as ConfigLoader }
}

/** Calls a loader with an environment that records every variable the loader reads. */
function recordReads(
  loader: ConfigLoader,
  env: Readonly<Record<string, string | undefined>>,
): Set<string> {
  const read = new Set<string>()
  const recording = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined
      read.add(name)
      return env[name]
    },
    has: (_target, name) => {
      if (typeof name === 'string') read.add(name)
      return typeof name === 'string' && env[name] !== undefined
    },
    ownKeys: () => Object.keys(env).filter((name) => env[name] !== undefined),
    getOwnPropertyDescriptor: (_target, name) =>
      typeof name === 'string' && env[name] !== undefined
        ? { value: env[name], enumerable: true, configurable: true }
        : undefined,
  })
  try {
    loader(recording)
  } catch {
    // The reads before the failure are recorded all the same.
  }
  return read
}

/** What a loader reads, and which of those variables it cannot do without. */
export interface ConfigVariables {
  read: Set<string>
  required: Set<string>
}

/**
 * Finds the variables a loader reads and those it requires: a variable is required when the
 * loader accepts the samples and rejects them without that variable.
 *
 * @param samples - a valid value for every variable the loader may require
 * @throws Error with the loader's message when it rejects the samples
 */
export function probeVariables(
  loader: NamedLoader,
  samples: Readonly<Record<string, string>>,
): ConfigVariables {
  try {
    loader.load({ ...samples })
  } catch (err) {
    throw new Error(`${loader.label} rejects the sample environment: ${(err as Error).message}`)
  }

  const read = recordReads(loader.load, samples)
  const required = new Set<string>()
  for (const name of read) {
    const without = { ...samples }
    delete without[name]
    try {
      loader.load(without)
    } catch {
      required.add(name)
    }
  }
  return { read, required }
}

/** How a service's environment is checked against the configuration schemas of what it runs. */
export interface EnvironmentExpectation {
  loaders: NamedLoader[]
  /** Variables something else reads, such as the AWS SDK's credentials. */
  readElsewhere: readonly string[]
  /** Variables the service's command sets itself when they are unset, with the values it sets. */
  suppliedByCommand: Readonly<Record<string, string>>
  /** Values that replace those the environment sets when the loaders validate it, as a path. */
  replacements: Readonly<Record<string, string>>
}

/**
 * Compares a service's environment with what its configuration schemas require: every required
 * variable is set, every variable set is one a schema (or the AWS SDK) reads, and the schemas
 * accept the values.
 */
export function checkEnvironment(
  service: string,
  env: Readonly<Record<string, string | undefined>>,
  expectation: EnvironmentExpectation,
  samples: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = []
  const labels =
    expectation.loaders.map((loader) => loader.label).join(' and ') ||
    'the service, which takes no configuration from its environment,'
  const read = new Set<string>()
  const required = new Set<string>()
  for (const loader of expectation.loaders) {
    const variables = probeVariables(loader, samples)
    for (const name of variables.read) read.add(name)
    for (const name of variables.required) required.add(name)
  }

  const missing = [...required]
    .sort()
    .filter(
      (name) => env[name] === undefined && !Object.hasOwn(expectation.suppliedByCommand, name),
    )
  for (const name of missing) {
    problems.push(`${service}: ${name} is required by ${labels} but the service does not set it`)
  }
  for (const name of Object.keys(env).sort()) {
    if (!read.has(name) && !expectation.readElsewhere.includes(name)) {
      problems.push(
        `${service}: ${name} is set but ${labels} does not read it; remove it or fix its name`,
      )
    }
  }
  if (missing.length > 0) return problems

  const replaced = Object.entries(expectation.replacements).filter(
    ([name]) => env[name] !== undefined,
  )
  const effective = { ...expectation.suppliedByCommand, ...env, ...Object.fromEntries(replaced) }
  for (const loader of expectation.loaders) {
    try {
      loader.load(effective)
    } catch (err) {
      problems.push(
        `${service}: ${loader.label} rejects the service's environment: ${(err as Error).message}`,
      )
    }
  }
  return problems
}
