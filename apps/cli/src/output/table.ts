import { printable, truncate } from './text.js'

export interface Column<T> {
  header: string
  cell: (row: T) => string | number | undefined
  /** Cells longer than this are cut with `…`. */
  maxWidth?: number
  align?: 'left' | 'right'
}

const GAP = '  '

/**
 * Renders rows as aligned columns under upper-case headers, one line each, for people to read.
 * Cells are made printable; the last column is not padded, so lines have no trailing spaces.
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const raw = column.cell(row)
      const text = raw === undefined || raw === '' ? '-' : printable(String(raw))
      return column.maxWidth === undefined ? text : truncate(text, column.maxWidth)
    }),
  )
  const headers = columns.map((column) => column.header.toUpperCase())
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...cells.map((line) => [...(line[index] ?? '')].length)),
  )

  const renderLine = (line: readonly string[]) =>
    line
      .map((text, index) => {
        const width = widths[index] ?? 0
        const padding = ' '.repeat(width - [...text].length)
        if (columns[index]?.align === 'right') return padding + text
        return index === line.length - 1 ? text : text + padding
      })
      .join(GAP)

  return `${[headers, ...cells].map(renderLine).join('\n')}\n`
}

/** Renders `label: value` lines with the values aligned, for one item's details. */
export function renderDetails(entries: readonly [string, string | number | undefined][]): string {
  const present = entries.filter(([, value]) => value !== undefined && value !== '')
  const width = Math.max(0, ...present.map(([label]) => label.length))
  return present
    .map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${printable(String(value))}\n`)
    .join('')
}
