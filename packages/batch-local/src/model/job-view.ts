import type { ContainerDetail, JobDetail, JobSummary } from '@aws-sdk/client-batch'
import type { JobRecord, NodeRecord } from './records.js'

/**
 * Builds the DescribeJobs view of a job. A multi-node job's own `container` is its main node's
 * container, so that `container.exitCode` and `container.logStreamName` are set for every job.
 */
export function toJobDetail(job: JobRecord): JobDetail {
  return {
    jobArn: job.jobArn,
    jobName: job.jobName,
    jobId: job.jobId,
    jobQueue: job.jobQueueArn,
    status: job.status,
    statusReason: job.statusReason,
    shareIdentifier: job.shareIdentifier,
    schedulingPriority: job.schedulingPriority,
    attempts: structuredClone(job.attempts),
    createdAt: job.createdAt,
    retryStrategy: job.retryStrategy,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    dependsOn: [],
    jobDefinition: job.jobDefinitionArn,
    parameters: job.parameters,
    container: cloneContainer(mainNode(job).container),
    nodeProperties: job.nodeProperties,
    timeout: job.timeout,
    tags: job.tags,
    propagateTags: job.propagateTags,
    platformCapabilities: job.platformCapabilities as JobDetail['platformCapabilities'],
    isCancelled: job.isCancelled,
    isTerminated: job.isTerminated,
  }
}

/** Builds the DescribeJobs view of node `jobId#N` of a multi-node job. */
export function toNodeJobDetail(job: JobRecord, node: NodeRecord): JobDetail {
  return {
    jobArn: `${job.jobArn}#${node.nodeIndex}`,
    jobName: job.jobName,
    jobId: `${job.jobId}#${node.nodeIndex}`,
    jobQueue: job.jobQueueArn,
    status: node.status,
    statusReason: node.statusReason,
    shareIdentifier: job.shareIdentifier,
    schedulingPriority: job.schedulingPriority,
    attempts: structuredClone(node.attempts),
    createdAt: job.createdAt,
    retryStrategy: job.retryStrategy,
    startedAt: node.startedAt,
    stoppedAt: node.stoppedAt,
    dependsOn: [],
    jobDefinition: job.jobDefinitionArn,
    parameters: job.parameters,
    container: cloneContainer(node.container),
    nodeDetails: { nodeIndex: node.nodeIndex, isMainNode: node.nodeIndex === job.mainNodeIndex },
    nodeProperties: job.nodeProperties,
    timeout: job.timeout,
    tags: job.tags,
    propagateTags: job.propagateTags,
    platformCapabilities: job.platformCapabilities as JobDetail['platformCapabilities'],
    isCancelled: job.isCancelled,
    isTerminated: job.isTerminated,
  }
}

export function toJobSummary(job: JobRecord): JobSummary {
  const container = mainNode(job).container
  return {
    jobArn: job.jobArn,
    jobId: job.jobId,
    jobName: job.jobName,
    createdAt: job.createdAt,
    shareIdentifier: job.shareIdentifier,
    status: job.status,
    statusReason: job.statusReason,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    container: { exitCode: container.exitCode, reason: container.reason },
    nodeProperties:
      job.type === 'multinode' ? { numNodes: job.nodeProperties?.numNodes } : undefined,
    jobDefinition: job.jobDefinitionArn,
    isCancelled: job.isCancelled,
    isTerminated: job.isTerminated,
  }
}

export function toNodeJobSummary(job: JobRecord, node: NodeRecord): JobSummary {
  return {
    jobArn: `${job.jobArn}#${node.nodeIndex}`,
    jobId: `${job.jobId}#${node.nodeIndex}`,
    jobName: job.jobName,
    createdAt: job.createdAt,
    status: node.status,
    statusReason: node.statusReason,
    startedAt: node.startedAt,
    stoppedAt: node.stoppedAt,
    container: { exitCode: node.container.exitCode, reason: node.container.reason },
    nodeProperties: {
      isMainNode: node.nodeIndex === job.mainNodeIndex,
      numNodes: job.nodeProperties?.numNodes,
      nodeIndex: node.nodeIndex,
    },
    jobDefinition: job.jobDefinitionArn,
  }
}

export function mainNode(job: JobRecord): NodeRecord {
  const node = job.nodes.find((candidate) => candidate.nodeIndex === job.mainNodeIndex)
  if (node === undefined) {
    throw new Error(`Internal error: job ${job.jobId} has no node ${job.mainNodeIndex}.`)
  }
  return node
}

function cloneContainer(container: ContainerDetail): ContainerDetail {
  return structuredClone(container)
}
