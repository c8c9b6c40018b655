import type { EvaluateOnExit, RetryStrategy } from '@aws-sdk/client-batch'

/** Exit code and reasons of a failed attempt, matched against `evaluateOnExit` conditions. */
export interface AttemptFailure {
  exitCode: number | undefined
  statusReason: string
  /** The container's reason, such as `CannotStartContainerError: ...`. */
  reason: string | undefined
}

/**
 * Decides whether a failed attempt is retried, as Batch does. A job is retried only while
 * attempts remain. The first `evaluateOnExit` condition that matches decides, by its action
 * RETRY or EXIT in any letter case. A failure that matches no condition is retried.
 */
export function shouldRetry(
  strategy: RetryStrategy | undefined,
  attemptNumber: number,
  failure: AttemptFailure,
): boolean {
  const maxAttempts = strategy?.attempts ?? 1
  if (attemptNumber >= maxAttempts) {
    return false
  }
  for (const condition of strategy?.evaluateOnExit ?? []) {
    if (conditionMatches(condition, failure)) {
      return condition.action?.toUpperCase() === 'RETRY'
    }
  }
  return true
}

/** Returns whether every pattern the condition gives matches the failure. */
function conditionMatches(condition: EvaluateOnExit, failure: AttemptFailure): boolean {
  const exitCode = failure.exitCode === undefined ? undefined : String(failure.exitCode)
  return (
    patternMatches(condition.onExitCode, exitCode) &&
    patternMatches(condition.onStatusReason, failure.statusReason) &&
    patternMatches(condition.onReason, failure.reason)
  )
}

/**
 * Matches a pattern that is exact, or a prefix when it ends with `*`. A value that is absent
 * (no exit code after a failed start, say) matches no pattern, not even `*`.
 *
 * NOTE: Batch does not document how an absent exit code or reason is matched. This choice
 * follows "match against the exit code returned", which an absent exit code cannot satisfy.
 */
function patternMatches(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined) {
    return true
  }
  if (value === undefined) {
    return false
  }
  if (pattern.endsWith('*')) {
    return value.startsWith(pattern.slice(0, -1))
  }
  return value === pattern
}
