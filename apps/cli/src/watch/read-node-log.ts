import type { ApiClient } from '../api/api-client.js'
import type { LogLine, LogPage } from '../api/types.js'
import { loadShared } from '../shared-module.js'

/** The API's largest page, so a long log takes few requests. */
const PAGE_SIZE = 1000

export interface NodeLogOptions {
  node: number
  /** Attempt to read; the run's current attempt when absent. */
  attempt?: number
  /** Keep polling until the run ends and its stream is read to the end. */
  follow: boolean
  /** Time between polls at the end of the stream, in milliseconds. */
  intervalMs: number
  writeLine: (line: LogLine) => void
  /** Writes a note for people, such as why there are no lines yet. */
  note: (message: string) => void
  sleep: (ms: number) => Promise<void>
}

/**
 * Prints a node's log from the start: every page up to the end of the stream, and with
 * `follow` new lines as they come, until the run is terminal and the stream is read to its
 * end. The end is the page whose cursor repeats the one sent, as CloudWatch returns the same
 * forward token when nothing is new.
 *
 * NOTE: the first page fixes the attempt, so following a run that Batch retries stays on that
 * attempt's stream until the run ends. Passing `attempt` reads a later one.
 *
 * @returns the last page read
 */
export async function readNodeLog(
  api: ApiClient,
  runId: string,
  options: NodeLogOptions,
): Promise<LogPage> {
  const { isTerminal } = await loadShared()
  const path = `/v1/runs/${encodeURIComponent(runId)}/logs`
  let attempt = options.attempt
  let cursor: string | undefined
  let lastStatus: LogPage['status'] | undefined

  for (;;) {
    const page = await api.get<LogPage>(path, {
      node: options.node,
      attempt,
      cursor,
      limit: PAGE_SIZE,
    })
    attempt = page.attempt
    for (const line of page.lines) {
      options.writeLine(line)
    }
    if (page.status !== lastStatus && page.status !== 'AVAILABLE') {
      options.note(describeMissingLog(page))
    }
    lastStatus = page.status

    const atEnd =
      page.status !== 'AVAILABLE' || page.nextCursor === undefined || page.nextCursor === cursor
    cursor = page.nextCursor ?? cursor
    if (!atEnd) continue

    // NOTE: the run's status is read before the page, so a terminal status means the node had
    // stopped writing. CloudWatch can store a node's last lines a few seconds later, and those
    // lines are not printed. Running the command again reads them.
    if (!options.follow || isTerminal(page.runStatus)) {
      return page
    }
    await options.sleep(options.intervalMs)
  }
}

function describeMissingLog(page: LogPage): string {
  if (page.status === 'NOT_STARTED') {
    return `run ${page.runId} has no Batch job yet (status ${page.runStatus}), so no node has a log`
  }
  return `node ${page.node} of run ${page.runId} has no log stream yet in attempt ${page.attempt} (run status ${page.runStatus})`
}
