import type {
  AttemptDetail,
  ContainerDetail,
  JobDefinition,
  JobQueueDetail,
  JobStatus,
  JobTimeout,
  NodeProperties,
  RetryStrategy,
  SchedulingPolicyDetail,
} from '@aws-sdk/client-batch'

/** One node of a multi-node parallel job, or the single container of a container job. */
export interface NodeRecord {
  nodeIndex: number
  status: JobStatus
  statusReason?: string
  startedAt?: number
  stoppedAt?: number
  /** The resolved container (definition plus overrides) and the current attempt's results. */
  container: ContainerDetail
  attempts: AttemptDetail[]
}

/** A submitted job as batch-local stores it. DescribeJobs views are built from it. */
export interface JobRecord {
  jobId: string
  jobArn: string
  jobName: string
  jobQueueArn: string
  jobQueueName: string
  jobDefinitionArn: string
  jobDefinitionName: string
  type: 'container' | 'multinode'
  status: JobStatus
  statusReason?: string
  createdAt: number
  startedAt?: number
  stoppedAt?: number
  shareIdentifier?: string
  schedulingPriority?: number
  retryStrategy?: RetryStrategy
  timeout?: JobTimeout
  parameters: Record<string, string>
  tags?: Record<string, string>
  propagateTags?: boolean
  platformCapabilities?: string[]
  /** Node properties of a multi-node job, with `numNodes` after any override. */
  nodeProperties?: NodeProperties
  mainNodeIndex: number
  /** Exactly one entry for a container job. */
  nodes: NodeRecord[]
  attempts: AttemptDetail[]
  /** 1-based number of the current attempt, or of the last one once the job has ended. */
  attemptNumber: number
  isCancelled?: boolean
  isTerminated?: boolean
  /** Fake EC2 instance id of the current attempt, named in the host-terminated status reason. */
  instanceId?: string
}

export type JobQueueRecord = JobQueueDetail & { jobQueueName: string; jobQueueArn: string }

export type JobDefinitionRecord = JobDefinition & {
  jobDefinitionName: string
  jobDefinitionArn: string
  revision: number
  status: 'ACTIVE' | 'INACTIVE'
}

export type SchedulingPolicyRecord = SchedulingPolicyDetail & { name: string; arn: string }

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['SUCCEEDED', 'FAILED'])

/** Statuses in which CancelJob still fails a job. STARTING and RUNNING jobs need TerminateJob. */
export const CANCELLABLE_STATUSES: ReadonlySet<JobStatus> = new Set([
  'SUBMITTED',
  'PENDING',
  'RUNNABLE',
])

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status)
}
