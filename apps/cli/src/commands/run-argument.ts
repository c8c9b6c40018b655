import { UsageError } from '../errors.js'

/**
 * Returns the API path of a run. The API checks the id itself and returns 404 for a malformed
 * one. This check only rejects what cannot be an id at all, with a message that explains the
 * format.
 *
 * @throws UsageError for an empty id or one with spaces or slashes
 */
export function runPath(runId: string, suffix = ''): string {
  if (!/^[^\s/]+$/.test(runId)) {
    throw new UsageError(
      `run id ${JSON.stringify(runId)} is invalid; run ids look like run-01jc5f3q8zj3kdx7v2m4n6p8r0 (see trainplane runs)`,
    )
  }
  return `/v1/runs/${encodeURIComponent(runId)}${suffix}`
}
