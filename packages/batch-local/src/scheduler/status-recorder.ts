import type { JobStatus } from '@aws-sdk/client-batch'
import type { JobEventSink } from '../events/job-state-change.js'
import { toJobDetail, toNodeJobDetail } from '../model/job-view.js'
import type { JobRecord, NodeRecord } from '../model/records.js'
import type { BatchState } from '../state/batch-state.js'

/** Sets job and node statuses, marks the state changed and sends a state change event for each. */
export class StatusRecorder {
  constructor(
    private readonly state: BatchState,
    private readonly events: JobEventSink,
  ) {}

  setJobStatus(job: JobRecord, status: JobStatus): void {
    job.status = status
    this.state.markChanged()
    this.events.jobChanged(toJobDetail(job))
  }

  /** Nodes of a container job are internal, so only multi-node jobs send node events. */
  setNodeStatus(job: JobRecord, node: NodeRecord, status: JobStatus): void {
    node.status = status
    this.state.markChanged()
    if (job.type === 'multinode') {
      this.events.nodeChanged(toNodeJobDetail(job, node))
    }
  }
}
