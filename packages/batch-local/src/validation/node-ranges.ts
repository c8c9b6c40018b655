import { ClientException } from '../api/errors.js'

/** A parsed `targetNodes` value: `start:end`, `start:`, `:end` or `:`. */
export interface NodeRange {
  start: number
  /** Undefined for an open range, which ends at the job's highest node index. */
  end: number | undefined
}

const RANGE_PATTERN = /^(\d*):(\d*)$/

export function parseNodeRange(targetNodes: string, field: string): NodeRange {
  const match = RANGE_PATTERN.exec(targetNodes)
  if (!match) {
    throw new ClientException(
      `Invalid ${field} ${JSON.stringify(targetNodes)}: a node range has the form start:end, ` +
        'start: or :end, with 0-based node indexes.',
    )
  }

  const start = match[1] ? Number(match[1]) : 0
  const end = match[2] ? Number(match[2]) : undefined
  if (end !== undefined && end < start) {
    throw new ClientException(
      `Invalid ${field} ${JSON.stringify(targetNodes)}: the end of the node range is below its start.`,
    )
  }
  return { start, end }
}

/** Returns the last node index of the range in a job of `numNodes` nodes. */
export function rangeEnd(range: NodeRange, numNodes: number): number {
  return range.end ?? numNodes - 1
}

export function rangeCovers(range: NodeRange, nodeIndex: number, numNodes: number): boolean {
  return nodeIndex >= range.start && nodeIndex <= rangeEnd(range, numNodes)
}

/** Returns the number of nodes the range spans, to pick the narrowest of nested ranges. */
export function rangeWidth(range: NodeRange, numNodes: number): number {
  return rangeEnd(range, numNodes) - range.start + 1
}

/** Raises ClientException unless the range lies inside node indexes 0 to numNodes - 1. */
export function validateRangeWithin(
  range: NodeRange,
  targetNodes: string,
  numNodes: number,
  field: string,
): void {
  if (range.start > numNodes - 1 || (range.end !== undefined && range.end > numNodes - 1)) {
    throw new ClientException(
      `Invalid ${field} ${JSON.stringify(targetNodes)}: node indexes must be below numNodes (${numNodes}).`,
    )
  }
}
