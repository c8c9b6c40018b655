import type { JobTimeout } from '@aws-sdk/client-batch'
import { ClientException } from '../api/errors.js'
import { optionalInteger, optionalObject } from './input.js'

// Batch API reference, JobTimeout.attemptDurationSeconds: the minimum is 60 seconds.
const MIN_ATTEMPT_DURATION_SECONDS = 60

export function readTimeout(value: unknown, field: string): JobTimeout | undefined {
  const object = optionalObject(value, field)
  if (object === undefined) {
    return undefined
  }
  const seconds = optionalInteger(object.attemptDurationSeconds, `${field}.attemptDurationSeconds`)
  if (seconds !== undefined && seconds < MIN_ATTEMPT_DURATION_SECONDS) {
    throw new ClientException(
      `${field}.attemptDurationSeconds must be at least ${MIN_ATTEMPT_DURATION_SECONDS} seconds (got ${seconds}).`,
    )
  }
  return { attemptDurationSeconds: seconds }
}
