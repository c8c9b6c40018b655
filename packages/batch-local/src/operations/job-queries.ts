import type { JobDetail, JobStatus, JobSummary } from '@aws-sdk/client-batch'
import { ClientException } from '../api/errors.js'
import { toJobDetail, toJobSummary, toNodeJobDetail, toNodeJobSummary } from '../model/job-view.js'
import type { JobRecord } from '../model/records.js'
import type { BatchState } from '../state/batch-state.js'
import {
  isObject,
  type JsonObject,
  optionalArray,
  optionalString,
  optionalStringArray,
} from '../validation/input.js'
import { paginate } from './pagination.js'

// Batch API reference: DescribeJobs takes up to 100 job ids, and ListJobs returns up to 1000
// results a page, or 100 when a filter is used.
const MAX_DESCRIBE_JOBS = 100
const MAX_LIST_RESULTS = 1000
const MAX_FILTERED_LIST_RESULTS = 100

const JOB_STATUSES: ReadonlySet<string> = new Set([
  'SUBMITTED',
  'PENDING',
  'RUNNABLE',
  'STARTING',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
])

const FILTER_NAMES = new Set([
  'JOB_NAME',
  'JOB_DEFINITION',
  'BEFORE_CREATED_AT',
  'AFTER_CREATED_AT',
  'SHARE_IDENTIFIER',
])

/** Describes jobs and nodes (`jobId#N`). Unknown ids are left out of the result, as on Batch. */
export function describeJobs(state: BatchState, request: JsonObject) {
  const ids = optionalStringArray(request.jobs, 'jobs')
  if (ids === undefined) {
    throw new ClientException('jobs is required.')
  }
  if (ids.length > MAX_DESCRIBE_JOBS) {
    throw new ClientException(
      `Maximum number of jobs supported is ${MAX_DESCRIBE_JOBS}, but the request lists ${ids.length}.`,
    )
  }

  const jobs: JobDetail[] = []
  for (const id of ids) {
    const detail = describeOne(state, id)
    if (detail !== undefined) {
      jobs.push(detail)
    }
  }
  return { jobs }
}

function describeOne(state: BatchState, id: string): JobDetail | undefined {
  const [jobId, nodeIndexText, extra] = id.split('#')
  const job = jobId === undefined ? undefined : state.jobs.get(jobId)
  if (job === undefined || extra !== undefined) {
    return undefined
  }
  if (nodeIndexText === undefined) {
    return toJobDetail(job)
  }
  if (job.type !== 'multinode' || !/^\d+$/.test(nodeIndexText)) {
    return undefined
  }
  const node = job.nodes[Number(nodeIndexText)]
  return node === undefined ? undefined : toNodeJobDetail(job, node)
}

/**
 * Lists the jobs of a queue or the nodes of a multi-node job, as Batch does. Without a filter,
 * only jobs in `jobStatus` (RUNNING by default) are listed, oldest first. With a filter,
 * `jobStatus` is ignored unless the filter is SHARE_IDENTIFIER, and the newest job comes first.
 * Filters do not apply to the nodes of a multi-node job.
 */
export function listJobs(state: BatchState, request: JsonObject) {
  const jobQueue = optionalString(request.jobQueue, 'jobQueue')
  const multiNodeJobId = optionalString(request.multiNodeJobId, 'multiNodeJobId')
  const arrayJobId = optionalString(request.arrayJobId, 'arrayJobId')
  const sources = [jobQueue, multiNodeJobId, arrayJobId].filter((source) => source !== undefined)
  if (sources.length !== 1) {
    throw new ClientException('Specify exactly one of jobQueue, multiNodeJobId and arrayJobId.')
  }

  const jobStatus = readJobStatus(request.jobStatus)
  const filter = readFilter(request.filters)

  let summaries: JobSummary[]
  let maxResults = MAX_LIST_RESULTS
  if (multiNodeJobId !== undefined) {
    summaries = listNodes(state, multiNodeJobId, jobStatus ?? 'RUNNING')
  } else if (arrayJobId !== undefined) {
    // batch-local has no array jobs, so an array job id never names one.
    summaries = []
  } else {
    const queue = state.findJobQueue(jobQueue ?? '')
    if (queue === undefined) {
      throw new ClientException(`Job queue ${jobQueue} not found.`)
    }
    const queueJobs = [...state.jobs.values()].filter(
      (job) => job.jobQueueArn === queue.jobQueueArn,
    )
    if (filter === undefined) {
      const status = jobStatus ?? 'RUNNING'
      summaries = queueJobs.filter((job) => job.status === status).map(toJobSummary)
    } else {
      maxResults = MAX_FILTERED_LIST_RESULTS
      const statusFilter = filter.name === 'SHARE_IDENTIFIER' ? jobStatus : undefined
      summaries = queueJobs
        .filter((job) => filter.matches(job))
        .filter((job) => statusFilter === undefined || job.status === statusFilter)
        .sort((left, right) => right.createdAt - left.createdAt)
        .map(toJobSummary)
    }
  }

  const page = paginate(summaries, request.maxResults, request.nextToken, maxResults)
  return { jobSummaryList: page.items, nextToken: page.nextToken }
}

function listNodes(state: BatchState, multiNodeJobId: string, status: JobStatus): JobSummary[] {
  const job = state.jobs.get(multiNodeJobId)
  if (job === undefined || job.type !== 'multinode') {
    return []
  }
  return job.nodes
    .filter((node) => node.status === status)
    .map((node) => toNodeJobSummary(job, node))
}

function readJobStatus(value: unknown): JobStatus | undefined {
  const status = optionalString(value, 'jobStatus')
  if (status !== undefined && !JOB_STATUSES.has(status)) {
    throw new ClientException(
      `Invalid jobStatus ${JSON.stringify(status)}. Use one of ${[...JOB_STATUSES].join(', ')}.`,
    )
  }
  return status as JobStatus | undefined
}

interface JobFilter {
  name: string
  matches(job: JobRecord): boolean
}

function readFilter(value: unknown): JobFilter | undefined {
  const filters = optionalArray(value, 'filters')
  if (filters === undefined || filters.length === 0) {
    return undefined
  }
  if (filters.length > 1) {
    throw new ClientException(`ListJobs takes only one filter at a time (got ${filters.length}).`)
  }

  const filter = filters[0]
  if (!isObject(filter)) {
    throw new ClientException('filters[0] must be an object with name and values.')
  }
  const name = optionalString(filter.name, 'filters[0].name') ?? ''
  if (!FILTER_NAMES.has(name)) {
    throw new ClientException(
      `Invalid filter name ${JSON.stringify(name)}. Use one of ${[...FILTER_NAMES].join(', ')}.`,
    )
  }
  const values = optionalStringArray(filter.values, 'filters[0].values') ?? []
  const [filterValue] = values
  if (values.length !== 1 || filterValue === undefined) {
    throw new ClientException(`Filter ${name} takes exactly one value (got ${values.length}).`)
  }
  return { name, matches: filterMatcher(name, filterValue) }
}

function filterMatcher(name: string, value: string): (job: JobRecord) => boolean {
  switch (name) {
    case 'JOB_NAME':
      return (job) => prefixOrExactMatch(job.jobName.toLowerCase(), value.toLowerCase())
    case 'JOB_DEFINITION':
      return jobDefinitionMatcher(value)
    case 'BEFORE_CREATED_AT': {
      const time = readEpochMillis(name, value)
      return (job) => job.createdAt < time
    }
    case 'AFTER_CREATED_AT': {
      const time = readEpochMillis(name, value)
      return (job) => job.createdAt > time
    }
    default:
      return (job) => job.shareIdentifier === value
  }
}

/** Matches exactly, or as a prefix when the pattern ends with `*`. */
function prefixOrExactMatch(actual: string, pattern: string): boolean {
  return pattern.endsWith('*') ? actual.startsWith(pattern.slice(0, -1)) : actual === pattern
}

/** Builds the JOB_DEFINITION filter. A name matches every revision, an ARN with a revision only that one. */
function jobDefinitionMatcher(value: string): (job: JobRecord) => boolean {
  if (value.startsWith('arn:')) {
    return /:\d+$/.test(value)
      ? (job) => job.jobDefinitionArn === value
      : (job) => job.jobDefinitionArn.startsWith(`${value}:`)
  }
  return (job) => prefixOrExactMatch(job.jobDefinitionName, value)
}

function readEpochMillis(filterName: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new ClientException(
      `Filter ${filterName} takes a time in milliseconds since the Unix epoch (got ${JSON.stringify(value)}).`,
    )
  }
  return Number(value)
}
