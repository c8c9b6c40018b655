import type { EvaluateOnExit, RetryStrategy } from '@aws-sdk/client-batch'
import { ClientException } from '../api/errors.js'
import {
  isObject,
  optionalArray,
  optionalInteger,
  optionalObject,
  optionalString,
} from './input.js'

// Limits from the Batch API reference (RetryStrategy and EvaluateOnExit).
const MIN_ATTEMPTS = 1
const MAX_ATTEMPTS = 10
const MAX_EVALUATE_ON_EXIT = 5
const MAX_PATTERN_LENGTH = 512

// onExitCode: digits, optionally ending with an asterisk.
const EXIT_CODE_PATTERN = /^[0-9]*\*?$/
// onStatusReason and onReason: letters, numbers, periods, colons and white space, optionally
// ending with an asterisk.
const REASON_PATTERN = /^[A-Za-z0-9.:\s]*\*?$/

export function readRetryStrategy(value: unknown, field: string): RetryStrategy | undefined {
  const object = optionalObject(value, field)
  if (object === undefined) {
    return undefined
  }

  const attempts = optionalInteger(object.attempts, `${field}.attempts`, {
    min: MIN_ATTEMPTS,
    max: MAX_ATTEMPTS,
  })
  const rules = optionalArray(object.evaluateOnExit, `${field}.evaluateOnExit`)
  if (rules === undefined) {
    return { attempts }
  }

  if (rules.length > MAX_EVALUATE_ON_EXIT) {
    throw new ClientException(
      `${field}.evaluateOnExit can have at most ${MAX_EVALUATE_ON_EXIT} conditions (got ${rules.length}).`,
    )
  }
  if (attempts === undefined && rules.length > 0) {
    throw new ClientException(`${field}.attempts is required when evaluateOnExit is specified.`)
  }
  const evaluateOnExit = rules.map((rule, index) =>
    readEvaluateOnExit(rule, `${field}.evaluateOnExit[${index}]`),
  )
  return { attempts, evaluateOnExit }
}

function readEvaluateOnExit(value: unknown, field: string): EvaluateOnExit {
  if (!isObject(value)) {
    throw new ClientException(`${field} must be an object.`)
  }

  const action = optionalString(value.action, `${field}.action`)
  if (action === undefined || !['RETRY', 'EXIT'].includes(action.toUpperCase())) {
    throw new ClientException(
      `${field}.action must be RETRY or EXIT (got ${JSON.stringify(action)}).`,
    )
  }
  const onExitCode = readPattern(value.onExitCode, `${field}.onExitCode`, EXIT_CODE_PATTERN)
  const onStatusReason = readPattern(
    value.onStatusReason,
    `${field}.onStatusReason`,
    REASON_PATTERN,
  )
  const onReason = readPattern(value.onReason, `${field}.onReason`, REASON_PATTERN)
  return { action: action as EvaluateOnExit['action'], onExitCode, onStatusReason, onReason }
}

function readPattern(value: unknown, field: string, pattern: RegExp): string | undefined {
  const text = optionalString(value, field)
  if (text === undefined) {
    return undefined
  }
  if (text.length < 1 || text.length > MAX_PATTERN_LENGTH) {
    throw new ClientException(`${field} must be 1 to ${MAX_PATTERN_LENGTH} characters long.`)
  }
  if (!pattern.test(text)) {
    throw new ClientException(
      `Invalid ${field} ${JSON.stringify(text)}: the pattern contains characters Batch does not ` +
        'allow, or an asterisk that is not at its end.',
    )
  }
  return text
}
