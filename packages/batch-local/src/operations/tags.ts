import { ClientException } from '../api/errors.js'
import { arnResourceName } from '../model/arns.js'
import { validateCapacityTag } from '../model/queue-capacity.js'
import type { BatchState } from '../state/batch-state.js'
import { type JsonObject, requireString } from '../validation/input.js'
import { readTags } from '../validation/names.js'

interface TaggedResource {
  tags?: Record<string, string>
}

/** Finds a queue, job definition, scheduling policy or job by its ARN. */
function findTaggedResource(state: BatchState, arn: string): TaggedResource {
  const resource =
    state.jobQueues.get(arn) ??
    state.jobDefinitions.get(arn) ??
    state.schedulingPolicies.get(arn) ??
    state.jobs.get(arnResourceName(arn, 'job') ?? '')
  if (resource === undefined) {
    throw new ClientException(`Resource ${arn} not found.`)
  }
  return resource
}

export function listTagsForResource(state: BatchState, resourceArn: string) {
  return { tags: findTaggedResource(state, resourceArn).tags ?? {} }
}

/** Adds or replaces tags. Changing `batch-local:capacity` on a queue takes effect at once. */
export function tagResource(state: BatchState, resourceArn: string, request: JsonObject) {
  const tags = readTags(request.tags)
  if (tags === undefined || Object.keys(tags).length === 0) {
    throw new ClientException('tags is required and must contain at least one tag.')
  }
  requireString(resourceArn, 'resourceArn')
  const resource = findTaggedResource(state, resourceArn)
  const merged = { ...resource.tags, ...tags }
  validateCapacityTag(merged)
  readTags(merged)

  resource.tags = merged
  state.markChanged()
  return {}
}

export function untagResource(state: BatchState, resourceArn: string, tagKeys: string[]) {
  if (tagKeys.length === 0) {
    throw new ClientException('tagKeys is required and must name at least one tag.')
  }
  const resource = findTaggedResource(state, resourceArn)
  const remaining = { ...resource.tags }
  for (const key of tagKeys) {
    delete remaining[key]
  }

  resource.tags = remaining
  state.markChanged()
  return {}
}
