import { InvalidParameterException, ResourceNotFoundException } from '../api/errors.js'
import {
  type JsonObject,
  optionalBoolean,
  optionalInteger,
  optionalString,
} from '../validation/input.js'
import { BATCH_LOG_GROUP, type LogEvent, type LogStore } from './log-store.js'

// CloudWatch Logs API reference, GetLogEvents.limit: 1 to 10,000, and 10,000 by default.
const MAX_LIMIT = 10_000

interface GetLogEventsResponse {
  events: LogEvent[]
  nextForwardToken: string
  nextBackwardToken: string
}

/**
 * Serves GetLogEvents over a stream of the LogStore.
 *
 * A token is `f/` or `b/` and an event position (the index into the stream, zero-padded to 56
 * digits like CloudWatch's own tokens). A forward read returns events at and after the position,
 * a backward read the events before it. As on CloudWatch, a forward read that finds no new
 * events returns the token it was given, so a reader polls until the token changes.
 */
export function getLogEvents(store: LogStore, request: JsonObject): GetLogEventsResponse {
  const logGroupName =
    optionalString(request.logGroupName, 'logGroupName') ??
    optionalString(request.logGroupIdentifier, 'logGroupIdentifier')
  const logStreamName = optionalString(request.logStreamName, 'logStreamName')
  if (!logStreamName) {
    throw new InvalidParameterException('logStreamName is required.')
  }
  if (logGroupName !== undefined && logGroupName !== BATCH_LOG_GROUP) {
    throw new ResourceNotFoundException('The specified log group does not exist.')
  }

  const events = store.getEvents(logStreamName)
  if (events === undefined) {
    throw new ResourceNotFoundException('The specified log stream does not exist.')
  }

  const limit = readLimit(request.limit)
  const startTime = optionalInteger(request.startTime, 'startTime')
  const endTime = optionalInteger(request.endTime, 'endTime')
  const inWindow = (event: LogEvent) =>
    (startTime === undefined || event.timestamp >= startTime) &&
    (endTime === undefined || event.timestamp < endTime)

  const token = readToken(optionalString(request.nextToken, 'nextToken'), events.length)
  const startFromHead = optionalBoolean(request.startFromHead, 'startFromHead') ?? false
  const direction = token?.direction ?? (startFromHead ? 'forward' : 'backward')
  const position = token?.position ?? (direction === 'forward' ? 0 : events.length)

  const selected =
    direction === 'forward'
      ? readForward(events, position, limit, inWindow)
      : readBackward(events, position, limit, inWindow)
  return {
    events: selected.indexes.map((index) => events[index] as LogEvent),
    nextForwardToken: formatToken('f', selected.forwardPosition),
    nextBackwardToken: formatToken('b', selected.backwardPosition),
  }
}

interface Selection {
  indexes: number[]
  forwardPosition: number
  backwardPosition: number
}

function readForward(
  events: readonly LogEvent[],
  position: number,
  limit: number,
  inWindow: (event: LogEvent) => boolean,
): Selection {
  const indexes: number[] = []
  for (let index = position; index < events.length && indexes.length < limit; index++) {
    if (inWindow(events[index] as LogEvent)) {
      indexes.push(index)
    }
  }
  return selectionAround(indexes, position)
}

function readBackward(
  events: readonly LogEvent[],
  position: number,
  limit: number,
  inWindow: (event: LogEvent) => boolean,
): Selection {
  const indexes: number[] = []
  for (let index = position - 1; index >= 0 && indexes.length < limit; index--) {
    if (inWindow(events[index] as LogEvent)) {
      indexes.unshift(index)
    }
  }
  return selectionAround(indexes, position)
}

function selectionAround(indexes: number[], position: number): Selection {
  const first = indexes[0]
  const last = indexes[indexes.length - 1]
  if (first === undefined || last === undefined) {
    return { indexes, forwardPosition: position, backwardPosition: position }
  }
  return { indexes, forwardPosition: last + 1, backwardPosition: first }
}

function readLimit(value: unknown): number {
  try {
    return optionalInteger(value, 'limit', { min: 1, max: MAX_LIMIT }) ?? MAX_LIMIT
  } catch (error) {
    throw new InvalidParameterException((error as Error).message)
  }
}

interface Token {
  direction: 'forward' | 'backward'
  position: number
}

function readToken(text: string | undefined, streamLength: number): Token | undefined {
  if (text === undefined) {
    return undefined
  }
  const match = /^([fb])\/(\d{1,56})$/.exec(text)
  if (!match) {
    throw new InvalidParameterException('The specified nextToken is invalid.')
  }
  return {
    direction: match[1] === 'f' ? 'forward' : 'backward',
    position: Math.min(Number(match[2]), streamLength),
  }
}

function formatToken(prefix: 'f' | 'b', position: number): string {
  return `${prefix}/${String(position).padStart(56, '0')}`
}
