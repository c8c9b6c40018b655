import { randomBytes } from 'node:crypto'

/** Region and account that batch-local writes into every ARN it makes. */
export interface ArnScope {
  region: string
  accountId: string
}

export function jobQueueArn(scope: ArnScope, name: string): string {
  return `arn:aws:batch:${scope.region}:${scope.accountId}:job-queue/${name}`
}

export function jobDefinitionArn(scope: ArnScope, name: string, revision: number): string {
  return `arn:aws:batch:${scope.region}:${scope.accountId}:job-definition/${name}:${revision}`
}

export function jobArn(scope: ArnScope, jobId: string): string {
  return `arn:aws:batch:${scope.region}:${scope.accountId}:job/${jobId}`
}

export function schedulingPolicyArn(scope: ArnScope, name: string): string {
  return `arn:aws:batch:${scope.region}:${scope.accountId}:scheduling-policy/${name}`
}

export function ecsTaskArn(scope: ArnScope, taskId: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:task/batch-local/${taskId}`
}

export function containerInstanceArn(scope: ArnScope, instanceId: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:container-instance/batch-local/${instanceId}`
}

/** Returns the part of a Batch ARN after `<resourceType>/`, or undefined for another ARN. */
export function arnResourceName(arn: string, resourceType: string): string | undefined {
  const match = /^arn:[^:]+:batch:[^:]*:[^:]*:([^/]+)\/(.+)$/.exec(arn)
  if (!match || match[1] !== resourceType) {
    return undefined
  }
  return match[2]
}

/** Generates an ECS task id: 32 hexadecimal digits, as in the log stream names Batch creates. */
export function newTaskId(): string {
  return randomBytes(16).toString('hex')
}

/** Generates a fake EC2 instance id (`i-` and 17 hexadecimal digits). */
export function newInstanceId(): string {
  return `i-${randomBytes(9).toString('hex').slice(0, 17)}`
}
