import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb'

export function isConditionFailure(err: unknown): err is ConditionalCheckFailedException {
  return err instanceof ConditionalCheckFailedException
}

/** Whether a transaction was cancelled because the condition of item `index` failed. */
export function transactionConditionFailed(err: unknown, index: number): boolean {
  return (
    err instanceof TransactionCanceledException &&
    err.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed'
  )
}

/** Whether a transaction lost a race with another transaction on the same items. */
export function isTransactionConflict(err: unknown): boolean {
  if (err instanceof TransactionCanceledException) {
    return err.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict') ?? false
  }
  return err instanceof Error && err.name === 'TransactionConflictException'
}

/** Full jitter backoff: a random wait up to `base * 2^attempt`, capped. */
export function backoffDelay(attempt: number, baseMs = 25, capMs = 2000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
