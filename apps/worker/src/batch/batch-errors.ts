import { ClientException } from '@aws-sdk/client-batch'

/**
 * Checks for throttling. Batch rejects requests over the account's rate with HTTP 429 and the
 * error code TooManyRequestsException ("Too many requests" article of the AWS Knowledge
 * Center). The SDK has no class for it, so the name and status decide.
 */
export function isThrottling(err: unknown): boolean {
  if (!(err instanceof Error)) {
    return false
  }
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  return (
    err.name === 'TooManyRequestsException' || err.name === 'ThrottlingException' || status === 429
  )
}

/** Checks for Batch's error for a request it will never accept as it is (HTTP 400). */
export function isClientException(err: unknown): err is ClientException {
  return err instanceof ClientException || (err instanceof Error && err.name === 'ClientException')
}

/** Returns the message of an error, safe for logs and end details. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
