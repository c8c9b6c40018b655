import type { FairsharePolicy } from '@aws-sdk/client-batch'
import { ClientException } from '../api/errors.js'
import { schedulingPolicyArn } from '../model/arns.js'
import type { SchedulingPolicyRecord } from '../model/records.js'
import type { BatchState } from '../state/batch-state.js'
import {
  isObject,
  type JsonObject,
  optionalArray,
  optionalInteger,
  optionalObject,
  optionalStringArray,
  requireString,
} from '../validation/input.js'
import { readTags, validateResourceName } from '../validation/names.js'

const MAX_DESCRIBE_POLICIES = 100

/**
 * Creates a fair-share scheduling policy. batch-local uses `shareDistribution` weights to order
 * jobs, and stores `shareDecaySeconds` and `computeReservation` without using them.
 */
export function createSchedulingPolicy(state: BatchState, request: JsonObject) {
  const name = requireString(request.name, 'name')
  validateResourceName('name', name)
  const arn = schedulingPolicyArn(state.scope, name)
  if (state.schedulingPolicies.has(arn)) {
    throw new ClientException(`Object already exists: scheduling policy ${name}.`)
  }

  const policy: SchedulingPolicyRecord = {
    name,
    arn,
    fairsharePolicy: readFairsharePolicy(request.fairsharePolicy),
    tags: readTags(request.tags),
  }
  state.schedulingPolicies.set(arn, policy)
  state.markChanged()
  return { name, arn }
}

function readFairsharePolicy(value: unknown): FairsharePolicy {
  const object = optionalObject(value, 'fairsharePolicy') ?? {}
  const distribution =
    optionalArray(object.shareDistribution, 'fairsharePolicy.shareDistribution') ?? []
  return {
    shareDecaySeconds: optionalInteger(
      object.shareDecaySeconds,
      'fairsharePolicy.shareDecaySeconds',
      {
        min: 0,
      },
    ),
    computeReservation: optionalInteger(
      object.computeReservation,
      'fairsharePolicy.computeReservation',
      { min: 0, max: 99 },
    ),
    shareDistribution: distribution.map((item, index) => {
      const field = `fairsharePolicy.shareDistribution[${index}]`
      if (!isObject(item)) {
        throw new ClientException(`${field} must be an object.`)
      }
      const weightFactor = item.weightFactor
      if (weightFactor !== undefined && (typeof weightFactor !== 'number' || weightFactor <= 0)) {
        throw new ClientException(`${field}.weightFactor must be a positive number.`)
      }
      return {
        shareIdentifier: requireString(item.shareIdentifier, `${field}.shareIdentifier`),
        weightFactor,
      }
    }),
  }
}

export function describeSchedulingPolicies(state: BatchState, request: JsonObject) {
  const arns = optionalStringArray(request.arns, 'arns')
  if (arns === undefined || arns.length === 0) {
    throw new ClientException('arns is required.')
  }
  if (arns.length > MAX_DESCRIBE_POLICIES) {
    throw new ClientException(
      `arns can list at most ${MAX_DESCRIBE_POLICIES} scheduling policies (got ${arns.length}).`,
    )
  }
  const schedulingPolicies = arns
    .map((arn) => state.schedulingPolicies.get(arn))
    .filter((policy): policy is SchedulingPolicyRecord => policy !== undefined)
  return { schedulingPolicies }
}
