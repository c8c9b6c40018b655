/**
 * Makes text from the API safe to print on a terminal: run names, reasons and results come
 * from users and from Batch, and a control character in them could move the cursor or change
 * the terminal's settings. Line breaks and tabs become spaces; other control characters become
 * `?`.
 */
export function printable(value: string): string {
  return value.replace(/[\t\n\r]/g, ' ').replace(/\p{Cc}/gu, '?')
}

/** Shortens text to `width` characters, ending in `…` when cut. */
export function truncate(value: string, width: number): string {
  const characters = [...value]
  return characters.length <= width ? value : `${characters.slice(0, width - 1).join('')}…`
}

/** Formats an ISO time as UTC to the second, such as `2025-03-01T14:05:09Z`. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined) {
    return '-'
  }
  const time = Date.parse(iso)
  return Number.isNaN(time)
    ? printable(iso)
    : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
