import type { EvaluateOnExit, RetryStrategy } from '@aws-sdk/client-batch'

/**
 * Rules Batch evaluates, in order, when an attempt fails. Batch retries an attempt that no rule
 * matches, so the list ends with a catch-all EXIT, and it allows at most 5 rules (AWS Batch user
 * guide, "Automated job retries"). Batch never retries cancelled and terminated jobs, so a
 * user's cancel and a timeout end the job whatever the rules.
 */
export const EVALUATE_ON_EXIT: readonly EvaluateOnExit[] = [
  // Batch's status reason starts with "Host EC2" when the instance went away, on-demand or
  // Spot. The AWS CDK's aws-batch module matches a reclaimed Spot instance the same way.
  { onStatusReason: 'Host EC2*', action: 'RETRY' },
  // The application exited with a code of its own; running it again would fail the same way.
  { onExitCode: '*', action: 'EXIT' },
  { onReason: '*', action: 'EXIT' },
]

/**
 * Builds the retry strategy of a run: `attempts` from the run (1 means no retry) and the rules
 * above. Batch requires `attempts` whenever `evaluateOnExit` is given.
 */
export function retryStrategyFor(attempts: number): RetryStrategy {
  return {
    attempts,
    evaluateOnExit: EVALUATE_ON_EXIT.map((rule) => ({ ...rule })),
  }
}
