import { UsageError } from '../errors.js'

/** Commander collector for a repeatable option: each occurrence is appended. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/**
 * Splits `KEY=VALUE` at the first `=`, so a value may contain `=`.
 *
 * @throws UsageError when there is no `=` or no key
 */
export function parseKeyValue(text: string, option: string): [string, string] {
  const separator = text.indexOf('=')
  if (separator <= 0) {
    throw new UsageError(
      `option ${option} ${JSON.stringify(text)} is invalid; write it as KEY=VALUE`,
    )
  }
  return [text.slice(0, separator), text.slice(separator + 1)]
}

/** Parses repeated `KEY=VALUE` options into an object; a later key replaces an earlier one. */
export function parseKeyValues<V = string>(
  texts: readonly string[],
  option: string,
  convert: (value: string) => V = (value) => value as V,
): Record<string, V> {
  const entries: Record<string, V> = {}
  for (const text of texts) {
    const [key, value] = parseKeyValue(text, option)
    entries[key] = convert(value)
  }
  return entries
}

const NUMBER_PATTERN = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/

/**
 * Converts a hyperparameter given on the command line: `true` and `false` become booleans,
 * decimal numbers become numbers, anything else stays a string. A run file keeps its own types.
 */
export function parseHyperparameterValue(value: string): string | number | boolean {
  if (value === 'true') return true
  if (value === 'false') return false
  if (NUMBER_PATTERN.test(value)) {
    const number = Number(value)
    if (Number.isFinite(number)) return number
  }
  return value
}

/**
 * Parses a whole number option.
 *
 * @throws UsageError for anything but digits
 */
export function parseWholeNumber(value: string, option: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`option ${option} ${JSON.stringify(value)} is invalid; use a whole number`)
  }
  return Number(value.trim())
}

/**
 * Parses a positive number of seconds, such as an interval, with a lower bound.
 *
 * @throws UsageError when the value is not a number or is below `minimum`
 */
export function parseSeconds(value: string, option: string, minimum: number): number {
  const seconds = Number(value)
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < minimum) {
    throw new UsageError(
      `option ${option} ${JSON.stringify(value)} is invalid; use a number of seconds, at least ${minimum}`,
    )
  }
  return seconds
}
