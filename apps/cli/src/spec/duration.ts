import { UsageError } from '../errors.js'

const UNIT_SECONDS = { d: 86_400, h: 3600, m: 60, s: 1 } as const

/** Units in descending order, each at most once: `1d`, `2h`, `1h30m`, `90m`, `45s`. */
const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/

/**
 * Parses a duration into whole seconds: a number of seconds (`7200`) or units from days to
 * seconds (`2h`, `1h30m`, `1d12h`).
 *
 * @param option - the option's name, for the error message
 * @throws UsageError when the value is neither
 */
export function parseDurationSeconds(value: string, option: string): number {
  const text = value.trim()
  if (/^\d+$/.test(text)) {
    return Number(text)
  }

  const match = DURATION_PATTERN.exec(text)
  if (text === '' || match === null) {
    throw new UsageError(
      `option ${option} ${JSON.stringify(value)} is invalid; give seconds (7200) or a duration such as 2h, 90m or 1h30m`,
    )
  }

  const [, days, hours, minutes, seconds] = match
  return (
    Number(days ?? 0) * UNIT_SECONDS.d +
    Number(hours ?? 0) * UNIT_SECONDS.h +
    Number(minutes ?? 0) * UNIT_SECONDS.m +
    Number(seconds ?? 0) * UNIT_SECONDS.s
  )
}

/** Formats seconds as the largest units that fit, such as `1h30m` or `45s`. */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds <= 0) {
    return '0s'
  }
  let rest = Math.round(totalSeconds)
  let text = ''
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    const count = Math.floor(rest / size)
    if (count > 0) {
      text += `${count}${unit}`
      rest -= count * size
    }
  }
  return text
}
