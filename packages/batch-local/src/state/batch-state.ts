import {
  type ArnScope,
  arnResourceName,
  jobDefinitionArn as buildJobDefinitionArn,
  jobQueueArn as buildJobQueueArn,
} from '../model/arns.js'
import type {
  JobDefinitionRecord,
  JobQueueRecord,
  JobRecord,
  SchedulingPolicyRecord,
} from '../model/records.js'

/** The JSON document written to the state folder. */
export interface PersistedState {
  version: 1
  schedulingPolicies: SchedulingPolicyRecord[]
  jobQueues: JobQueueRecord[]
  jobDefinitions: JobDefinitionRecord[]
  jobs: JobRecord[]
}

/** In-memory store of every resource, keyed by ARN (jobs by job id), in creation order. */
export class BatchState {
  readonly schedulingPolicies = new Map<string, SchedulingPolicyRecord>()
  readonly jobQueues = new Map<string, JobQueueRecord>()
  readonly jobDefinitions = new Map<string, JobDefinitionRecord>()
  readonly jobs = new Map<string, JobRecord>()

  private readonly changeListeners: Array<() => void> = []

  constructor(readonly scope: ArnScope) {}

  /** Registers a listener called after every change, used to persist the state. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener)
  }

  markChanged(): void {
    for (const listener of this.changeListeners) {
      listener()
    }
  }

  /** Finds a queue by name or ARN. */
  findJobQueue(nameOrArn: string): JobQueueRecord | undefined {
    const name = nameOrArn.startsWith('arn:') ? arnResourceName(nameOrArn, 'job-queue') : nameOrArn
    if (name === undefined) {
      return undefined
    }
    return this.jobQueues.get(buildJobQueueArn(this.scope, name))
  }

  /**
   * Finds a job definition by `name`, `name:revision` or ARN with or without the revision.
   * Without a revision, the latest ACTIVE revision is returned, as SubmitJob does.
   */
  findJobDefinition(reference: string): JobDefinitionRecord | undefined {
    const nameAndRevision = reference.startsWith('arn:')
      ? arnResourceName(reference, 'job-definition')
      : reference
    if (nameAndRevision === undefined) {
      return undefined
    }

    const [name, revisionText, extra] = nameAndRevision.split(':')
    if (name === undefined || extra !== undefined) {
      return undefined
    }
    if (revisionText === undefined) {
      return this.latestActiveJobDefinition(name)
    }
    if (!/^\d+$/.test(revisionText)) {
      return undefined
    }
    return this.jobDefinitions.get(buildJobDefinitionArn(this.scope, name, Number(revisionText)))
  }

  latestActiveJobDefinition(name: string): JobDefinitionRecord | undefined {
    let latest: JobDefinitionRecord | undefined
    for (const definition of this.jobDefinitions.values()) {
      if (definition.jobDefinitionName !== name || definition.status !== 'ACTIVE') {
        continue
      }
      if (latest === undefined || definition.revision > latest.revision) {
        latest = definition
      }
    }
    return latest
  }

  /** Returns the highest revision ever registered under the name, active or not, or 0. */
  latestRevision(name: string): number {
    let revision = 0
    for (const definition of this.jobDefinitions.values()) {
      if (definition.jobDefinitionName === name) {
        revision = Math.max(revision, definition.revision)
      }
    }
    return revision
  }

  toPersisted(): PersistedState {
    return {
      version: 1,
      schedulingPolicies: [...this.schedulingPolicies.values()],
      jobQueues: [...this.jobQueues.values()],
      jobDefinitions: [...this.jobDefinitions.values()],
      jobs: [...this.jobs.values()],
    }
  }

  restore(persisted: PersistedState): void {
    for (const policy of persisted.schedulingPolicies) {
      this.schedulingPolicies.set(policy.arn, policy)
    }
    for (const queue of persisted.jobQueues) {
      this.jobQueues.set(queue.jobQueueArn, queue)
    }
    for (const definition of persisted.jobDefinitions) {
      this.jobDefinitions.set(definition.jobDefinitionArn, definition)
    }
    for (const job of persisted.jobs) {
      this.jobs.set(job.jobId, job)
    }
  }
}
