import type {
  ContainerOverrides,
  KeyValuePair,
  ResourceRequirement,
  SubmitJobCommandInput,
} from '@aws-sdk/client-batch'
import { type Queue, type RunRecord, validateRunForQueue } from '@trainplane/shared'
import { SubmissionRejectedError } from '../errors.js'
import { jobNameFor } from './job-name.js'
import { retryStrategyFor } from './retry-strategy.js'

/** Whether a queue's job definition makes plain container jobs or multi-node parallel jobs. */
export type JobType = 'container' | 'multinode'

/**
 * Port of the main node's rendezvous (torch.distributed's `MASTER_PORT`). Each node of a
 * multi-node job on AWS has an instance to itself, so one fixed port serves every job.
 */
export const MASTER_PORT = 29500

/** SubmitJob requests are at most 30 KiB (AWS Batch service quotas). */
export const MAX_SUBMIT_REQUEST_BYTES = 30 * 1024

/**
 * Tag keys the platform adds to every job. They win over a user's tag of the same key, because
 * the batch-events Lambda finds a job's run by its `runId` tag.
 */
export const PLATFORM_TAGS = {
  runId: 'runId',
  userId: 'userId',
  queue: 'queue',
} as const

export interface SubmitRequestInput {
  run: RunRecord
  /** The catalog entry of the run's queue. */
  queue: Queue
  /** Type of the queue's job definition, as Batch describes it. */
  jobType: JobType
  /** The RUN_TOKEN minted for this submission. */
  runToken: string
  /** The API's internal address, given to the job as RUN_REPORT_URL. */
  runReportUrl: string
}

function environmentOf(input: SubmitRequestInput): KeyValuePair[] {
  const { run } = input
  const variables: Record<string, string> = {
    ...run.spec.environment,
    RUN_ID: run.runId,
    RUN_HYPERPARAMETERS: JSON.stringify(run.spec.hyperparameters ?? {}),
    RUN_GPUS_PER_NODE: String(run.spec.gpusPerNode),
    RUN_REPORT_URL: input.runReportUrl,
    RUN_TOKEN: input.runToken,
    MASTER_PORT: String(MASTER_PORT),
  }
  return Object.keys(variables)
    .sort()
    .map((name) => ({ name, value: variables[name] }))
}

function resourcesOf(run: RunRecord, queue: Queue): ResourceRequirement[] {
  const resources: ResourceRequirement[] = [
    { type: 'VCPU', value: String(queue.vcpusPerNode) },
    { type: 'MEMORY', value: String(queue.memoryMiBPerNode) },
  ]
  // Batch rejects a GPU requirement of 0, so a CPU-only run states none.
  if (run.spec.gpusPerNode > 0) {
    resources.push({ type: 'GPU', value: String(run.spec.gpusPerNode) })
  }
  return resources
}

function tagsOf(run: RunRecord): Record<string, string> {
  return {
    ...run.spec.tags,
    [PLATFORM_TAGS.runId]: run.runId,
    [PLATFORM_TAGS.userId]: run.userId,
    [PLATFORM_TAGS.queue]: run.spec.queue,
  }
}

function checkRunFitsQueue(input: SubmitRequestInput): void {
  const { run, queue } = input

  const problems = validateRunForQueue(run.spec, queue)
  if (input.jobType === 'container' && run.spec.nodes > 1) {
    problems.push({
      field: '/nodes',
      message: `queue ${queue.name} runs single-node container jobs; ${run.spec.nodes} nodes requested`,
    })
  }
  if (problems.length > 0) {
    throw new SubmissionRejectedError(
      'WORKER_RUN_INVALID_FOR_QUEUE',
      run.runId,
      `run no longer fits queue ${queue.name}: ${problems.map((problem) => problem.message).join('; ')}`,
    )
  }

  if (queue.fairShare && !run.shareIdentifier) {
    throw new SubmissionRejectedError(
      'WORKER_SHARE_IDENTIFIER_MISSING',
      run.runId,
      `queue ${queue.name} has a fair-share policy, which needs a share identifier, and the run has none; put the user in a group and submit again`,
    )
  }
}

/**
 * Builds the SubmitJob request of a run. A queue whose job definition is multi-node gets a
 * multi-node parallel job of the run's node count, with one node override for every node
 * (`0:`). A container job definition gets a plain container job.
 *
 * Batch takes the size of `/dev/shm` (`linuxParameters.sharedMemorySize`) only from the job
 * definition, never from SubmitJob. The worker therefore checks it against the catalog at
 * start (see job-definitions.ts) instead of setting it here.
 *
 * The request carries the job's environment, with RUN_TOKEN, so callers never log it.
 *
 * @throws SubmissionRejectedError when the run does not fit its queue any more, or the request
 *   would exceed Batch's 30 KiB limit
 */
export function buildSubmitJobRequest(input: SubmitRequestInput): SubmitJobCommandInput {
  checkRunFitsQueue(input)
  const { run, queue } = input

  const overrides: ContainerOverrides = {
    command: [...run.spec.command],
    environment: environmentOf(input),
    resourceRequirements: resourcesOf(run, queue),
  }

  const request: SubmitJobCommandInput = {
    jobName: jobNameFor(run.runId),
    jobQueue: queue.jobQueue,
    jobDefinition: queue.jobDefinition,
    ...(queue.fairShare && { shareIdentifier: run.shareIdentifier }),
    ...(input.jobType === 'multinode'
      ? {
          nodeOverrides: {
            numNodes: run.spec.nodes,
            nodePropertyOverrides: [{ targetNodes: '0:', containerOverrides: overrides }],
          },
        }
      : { containerOverrides: overrides }),
    retryStrategy: retryStrategyFor(run.spec.retryAttempts ?? 1),
    timeout: { attemptDurationSeconds: run.spec.timeoutSeconds },
    tags: tagsOf(run),
    propagateTags: true,
  }

  const bytes = Buffer.byteLength(JSON.stringify(request), 'utf8')
  if (bytes > MAX_SUBMIT_REQUEST_BYTES) {
    throw new SubmissionRejectedError(
      'WORKER_SUBMISSION_REJECTED',
      run.runId,
      `the SubmitJob request would be ${bytes} bytes, over Batch's limit of ${MAX_SUBMIT_REQUEST_BYTES}; shorten the command, environment or hyperparameters`,
    )
  }

  return request
}
