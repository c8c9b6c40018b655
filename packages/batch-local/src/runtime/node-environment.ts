import type { JobRecord, NodeRecord } from '../model/records.js'

/** Every node runs on this host, so the main node's private address is the loopback address. */
export const MAIN_NODE_ADDRESS = '127.0.0.1'

/** Variables of batch-local's own environment that nodes inherit by default. */
const INHERITED_VARIABLES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ']

/** Picks the inherited variables from `source` (batch-local's own environment by default). */
export function defaultBaseEnvironment(
  source: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const environment: Record<string, string> = {}
  for (const name of INHERITED_VARIABLES) {
    const value = source[name]
    if (value !== undefined) {
      environment[name] = value
    }
  }
  return environment
}

export interface NodeEnvironmentInput {
  base: Record<string, string>
  job: JobRecord
  node: NodeRecord
  masterPort: number
}

/**
 * Builds a node's environment: the base variables, then the job's environment, then the
 * variables Batch sets, then MASTER_PORT. MASTER_PORT replaces any value the job gives,
 * because every node of every job shares 127.0.0.1 and each job needs its own port.
 * AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS is set on child nodes only, as on Batch.
 */
export function buildNodeEnvironment(input: NodeEnvironmentInput): Record<string, string> {
  const { job, node } = input
  const environment: Record<string, string> = { ...input.base }
  for (const variable of node.container.environment ?? []) {
    if (variable.name !== undefined) {
      environment[variable.name] = variable.value ?? ''
    }
  }

  environment.AWS_BATCH_CE_NAME = 'batch-local'
  environment.AWS_BATCH_JQ_NAME = job.jobQueueName
  environment.AWS_BATCH_JOB_ATTEMPT = String(job.attemptNumber)
  if (job.type === 'multinode') {
    environment.AWS_BATCH_JOB_ID = `${job.jobId}#${node.nodeIndex}`
    environment.AWS_BATCH_JOB_NODE_INDEX = String(node.nodeIndex)
    environment.AWS_BATCH_JOB_MAIN_NODE_INDEX = String(job.mainNodeIndex)
    environment.AWS_BATCH_JOB_NUM_NODES = String(job.nodes.length)
    if (node.nodeIndex !== job.mainNodeIndex) {
      environment.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS = MAIN_NODE_ADDRESS
    }
  } else {
    environment.AWS_BATCH_JOB_ID = job.jobId
  }

  environment.MASTER_PORT = String(input.masterPort)
  return environment
}
