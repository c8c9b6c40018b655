import { UsageError } from '../errors.js'
import { parseDurationSeconds } from './duration.js'
import { parseHyperparameterValue, parseKeyValues, parseWholeNumber } from './option-values.js'

/** The options of `submit` that set run spec fields, as commander parses them. */
export interface SpecOptions {
  name?: string
  image?: string
  command?: string[]
  nodes?: string
  gpusPerNode?: string
  queue?: string
  env?: string[]
  hp?: string[]
  timeout?: string
  retries?: string
  tag?: string[]
}

/** Field order of the spec the CLI sends and prints, the order of the run spec schema. */
const FIELD_ORDER = [
  'name',
  'image',
  'command',
  'nodes',
  'gpusPerNode',
  'queue',
  'environment',
  'hyperparameters',
  'timeoutSeconds',
  'retryAttempts',
  'tags',
]

/**
 * Merges a run file and the command-line options into one run spec, not yet validated. An
 * option replaces the file's field; `--env`, `--hp` and `--tag` replace single keys of the
 * file's maps and keep the others.
 *
 * @param fileFields - the run file's mapping, or undefined without `--file`
 * @param commandOperands - the command given after `--`
 * @throws UsageError for an option value that cannot be parsed
 */
export function buildRunSpec(
  options: SpecOptions,
  commandOperands: readonly string[],
  fileFields: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const spec: Record<string, unknown> = { ...fileFields }
  normaliseStringMap(spec, 'environment')
  normaliseStringMap(spec, 'tags')

  if (options.name !== undefined) spec.name = options.name
  if (options.image !== undefined) spec.image = options.image
  if (options.queue !== undefined) spec.queue = options.queue

  const command = commandFrom(options.command ?? [], commandOperands)
  if (command !== undefined) spec.command = command

  if (options.nodes !== undefined) {
    spec.nodes = parseWholeNumber(options.nodes, '--nodes')
  }
  if (options.gpusPerNode !== undefined) {
    spec.gpusPerNode = parseWholeNumber(options.gpusPerNode, '--gpus-per-node')
  }
  if (options.timeout !== undefined) {
    spec.timeoutSeconds = parseDurationSeconds(options.timeout, '--timeout')
  }
  if (options.retries !== undefined) {
    // Batch counts attempts, the first included; the option counts retries after it.
    spec.retryAttempts = parseWholeNumber(options.retries, '--retries') + 1
  }

  mergeMap(spec, 'environment', parseKeyValues(options.env ?? [], '--env'))
  mergeMap(
    spec,
    'hyperparameters',
    parseKeyValues(options.hp ?? [], '--hp', parseHyperparameterValue),
  )
  mergeMap(spec, 'tags', parseKeyValues(options.tag ?? [], '--tag'))

  return orderFields(spec)
}

function commandFrom(
  fromOptions: readonly string[],
  operands: readonly string[],
): string[] | undefined {
  if (fromOptions.length > 0 && operands.length > 0) {
    throw new UsageError(
      'the command is given twice; use either --command (repeated) or the arguments after --',
    )
  }
  if (fromOptions.length > 0) return [...fromOptions]
  if (operands.length > 0) return [...operands]
  return undefined
}

/**
 * Environment values and tag values are strings, but YAML reads `EPOCHS: 3` as a number, so
 * numbers and booleans in a run file's maps become their text.
 */
function normaliseStringMap(spec: Record<string, unknown>, field: string): void {
  const map = spec[field]
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    return
  }
  spec[field] = Object.fromEntries(
    Object.entries(map).map(([key, value]) => [
      key,
      typeof value === 'number' || typeof value === 'boolean' ? String(value) : value,
    ]),
  )
}

function mergeMap(spec: Record<string, unknown>, field: string, entries: Record<string, unknown>) {
  if (Object.keys(entries).length === 0) {
    return
  }
  const existing = spec[field]
  const base =
    typeof existing === 'object' && existing !== null && !Array.isArray(existing) ? existing : {}
  spec[field] = { ...base, ...entries }
}

function orderFields(spec: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = {}
  for (const field of FIELD_ORDER) {
    if (spec[field] !== undefined) ordered[field] = spec[field]
  }
  // Unknown fields stay, last, so validation can name them.
  for (const [field, value] of Object.entries(spec)) {
    if (!(field in ordered)) ordered[field] = value
  }
  return ordered
}
