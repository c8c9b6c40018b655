import type { RunSpec } from '@trainplane/shared'
import type { RunSummary, RunView } from '../api/types.js'
import { formatDuration } from '../spec/duration.js'
import { type Column, renderDetails, renderTable } from './table.js'
import { formatTime } from './text.js'

/** Writes an argument list as a shell would need it, quoting arguments with spaces or quotes. */
export function formatCommandLine(command: readonly string[]): string {
  return command
    .map((argument) => (/^[\w@%+=:,./-]+$/.test(argument) ? argument : JSON.stringify(argument)))
    .join(' ')
}

export function formatShape(spec: Pick<RunSpec, 'nodes' | 'gpusPerNode'>): string {
  return `${spec.nodes}x${spec.gpusPerNode}`
}

/** Columns of the run listing; `withUser` adds the owner, for admins listing every user. */
export function runColumns(withUser: boolean): Column<RunSummary>[] {
  return [
    { header: 'run id', cell: (run) => run.runId },
    ...(withUser
      ? [{ header: 'user', cell: (run: RunSummary) => run.userEmail ?? run.userId, maxWidth: 32 }]
      : []),
    { header: 'name', cell: (run) => run.spec.name, maxWidth: 32 },
    { header: 'status', cell: (run) => run.status },
    { header: 'queue', cell: (run) => run.spec.queue },
    { header: 'nodes x gpus', cell: (run) => formatShape(run.spec) },
    { header: 'created', cell: (run) => formatTime(run.createdAt) },
    { header: 'end reason', cell: (run) => run.endReason },
  ]
}

/** Renders the details and status history of one run, for `trainplane status`. */
export function renderRun(run: RunView): string {
  const { spec } = run
  const details = renderDetails([
    ['Run', run.runId],
    ['Name', spec.name],
    ['Status', run.attempt > 0 ? `${run.status} (attempt ${run.attempt})` : run.status],
    ['Queue', spec.queue],
    ['Image', spec.image],
    ['Command', formatCommandLine(spec.command)],
    ['Nodes', `${spec.nodes} x ${spec.gpusPerNode} GPUs`],
    ['Timeout', formatDuration(spec.timeoutSeconds)],
    ['Attempts', spec.retryAttempts],
    ['Owner', run.userEmail ?? run.userId],
    ['Created', formatTime(run.createdAt)],
    ['Started', run.startedAt && formatTime(run.startedAt)],
    ['Ended', run.endedAt && formatTime(run.endedAt)],
    ['End reason', run.endReason],
    ['Exit code', run.exitCode],
    ['End detail', run.endDetail],
    ['Cancel requested', run.cancelRequestedAt && formatTime(run.cancelRequestedAt)],
    ['Batch job', run.jobId],
    ['Batch status', run.batchStatus],
    ['Status reason', run.statusReason],
  ])

  const history = renderTable(run.history, [
    { header: 'at', cell: (entry) => formatTime(entry.at) },
    { header: 'status', cell: (entry) => entry.status },
    { header: 'attempt', cell: (entry) => entry.attempt, align: 'right' },
    { header: 'reason', cell: (entry) => entry.reason, maxWidth: 80 },
  ])

  return `${details}\nHistory:\n${history}`
}
