import type { NodeRangeProperty } from '@aws-sdk/client-batch'
import { ClientException } from '../api/errors.js'
import { jobDefinitionArn } from '../model/arns.js'
import type { JobDefinitionRecord } from '../model/records.js'
import type { BatchState } from '../state/batch-state.js'
import { readContainerProperties } from '../validation/container.js'
import {
  isObject,
  type JsonObject,
  optionalArray,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringArray,
  optionalStringMap,
  requireInteger,
  requireString,
} from '../validation/input.js'
import { readTags, validateResourceName } from '../validation/names.js'
import { parseNodeRange, rangeCovers, validateRangeWithin } from '../validation/node-ranges.js'
import { readRetryStrategy } from '../validation/retry-strategy.js'
import { readTimeout } from '../validation/timeout.js'
import { paginate } from './pagination.js'

// Batch API reference: DescribeJobDefinitions takes up to 100 job definitions and returns at
// most 100 results a page.
const MAX_DESCRIBE_DEFINITIONS = 100
const MAX_SCHEDULING_PRIORITY = 9999

export function registerJobDefinition(state: BatchState, request: JsonObject) {
  const name = requireString(request.jobDefinitionName, 'jobDefinitionName')
  validateResourceName('jobDefinitionName', name)
  const type = requireString(request.type, 'type')
  if (type !== 'container' && type !== 'multinode') {
    throw new ClientException(`type must be container or multinode (got ${JSON.stringify(type)}).`)
  }
  rejectUnsupportedProperties(request)

  const platformCapabilities = optionalStringArray(
    request.platformCapabilities,
    'platformCapabilities',
  )
  if (type === 'multinode' && platformCapabilities?.includes('FARGATE')) {
    throw new ClientException('multinode job definitions are not supported on Fargate resources.')
  }

  const revision = state.latestRevision(name) + 1
  const definition: JobDefinitionRecord = {
    jobDefinitionName: name,
    jobDefinitionArn: jobDefinitionArn(state.scope, name, revision),
    revision,
    status: 'ACTIVE',
    type,
    parameters: optionalStringMap(request.parameters, 'parameters') ?? {},
    schedulingPriority: optionalInteger(request.schedulingPriority, 'schedulingPriority', {
      min: 0,
      max: MAX_SCHEDULING_PRIORITY,
    }),
    retryStrategy: readRetryStrategy(request.retryStrategy, 'retryStrategy'),
    timeout: readTimeout(request.timeout, 'timeout'),
    propagateTags: optionalBoolean(request.propagateTags, 'propagateTags'),
    tags: readTags(request.tags),
    platformCapabilities: (platformCapabilities ?? [
      'EC2',
    ]) as JobDefinitionRecord['platformCapabilities'],
    containerOrchestrationType: 'ECS',
  }
  if (type === 'container') {
    definition.containerProperties = readContainerProperties(
      request.containerProperties,
      'containerProperties',
    )
  } else {
    definition.nodeProperties = readNodeProperties(request.nodeProperties)
  }

  state.jobDefinitions.set(definition.jobDefinitionArn, definition)
  state.markChanged()
  return {
    jobDefinitionName: name,
    jobDefinitionArn: definition.jobDefinitionArn,
    revision,
  }
}

function rejectUnsupportedProperties(request: JsonObject): void {
  for (const field of ['ecsProperties', 'eksProperties', 'consumableResourceProperties']) {
    if (request[field] !== undefined && request[field] !== null) {
      throw new ClientException(
        `${field} is not supported by batch-local. Use containerProperties or nodeProperties.`,
      )
    }
  }
}

/**
 * Reads node properties. As the Batch API reference (NodeRangeProperty) requires, the node
 * ranges together must cover every node from 0 to numNodes - 1.
 */
function readNodeProperties(value: unknown): JobDefinitionRecord['nodeProperties'] {
  const properties = optionalObject(value, 'nodeProperties')
  if (properties === undefined) {
    throw new ClientException('nodeProperties is required for a multinode job definition.')
  }

  const numNodes = requireInteger(properties.numNodes, 'nodeProperties.numNodes', { min: 1 })
  const mainNode = requireInteger(properties.mainNode, 'nodeProperties.mainNode', { min: 0 })
  if (mainNode >= numNodes) {
    throw new ClientException(
      `nodeProperties.mainNode (${mainNode}) must be less than nodeProperties.numNodes (${numNodes}).`,
    )
  }

  const rangeList = optionalArray(
    properties.nodeRangeProperties,
    'nodeProperties.nodeRangeProperties',
  )
  if (rangeList === undefined || rangeList.length === 0) {
    throw new ClientException(
      'nodeProperties.nodeRangeProperties must list at least one node range.',
    )
  }
  const nodeRangeProperties = rangeList.map((item, index) =>
    readNodeRangeProperty(item, `nodeProperties.nodeRangeProperties[${index}]`, numNodes),
  )

  for (let nodeIndex = 0; nodeIndex < numNodes; nodeIndex++) {
    const covered = nodeRangeProperties.some((rangeProperty) =>
      rangeCovers(
        parseNodeRange(rangeProperty.targetNodes ?? '', 'targetNodes'),
        nodeIndex,
        numNodes,
      ),
    )
    if (!covered) {
      throw new ClientException(
        `Node ${nodeIndex} is not covered by any node range. The node ranges must cover nodes 0 to ${numNodes - 1}.`,
      )
    }
  }
  return { numNodes, mainNode, nodeRangeProperties }
}

function readNodeRangeProperty(value: unknown, field: string, numNodes: number): NodeRangeProperty {
  if (!isObject(value)) {
    throw new ClientException(`${field} must be an object.`)
  }
  const targetNodes = requireString(value.targetNodes, `${field}.targetNodes`)
  const range = parseNodeRange(targetNodes, `${field}.targetNodes`)
  validateRangeWithin(range, targetNodes, numNodes, `${field}.targetNodes`)
  return {
    ...(value as unknown as NodeRangeProperty),
    targetNodes,
    container: readContainerProperties(value.container, `${field}.container`),
  }
}

export function describeJobDefinitions(state: BatchState, request: JsonObject) {
  const references = optionalStringArray(request.jobDefinitions, 'jobDefinitions')
  if (references !== undefined && references.length > MAX_DESCRIBE_DEFINITIONS) {
    throw new ClientException(
      `jobDefinitions can list at most ${MAX_DESCRIBE_DEFINITIONS} job definitions (got ${references.length}).`,
    )
  }
  const name = optionalString(request.jobDefinitionName, 'jobDefinitionName')
  const status = optionalString(request.status, 'status')

  let definitions = [...state.jobDefinitions.values()]
  if (references !== undefined && references.length > 0) {
    definitions = definitions.filter((definition) =>
      references.some((reference) => matchesReference(definition, reference)),
    )
  }
  if (name !== undefined) {
    definitions = definitions.filter((definition) => definition.jobDefinitionName === name)
  }
  if (status !== undefined) {
    definitions = definitions.filter((definition) => definition.status === status)
  }

  const page = paginate(
    definitions,
    request.maxResults,
    request.nextToken,
    MAX_DESCRIBE_DEFINITIONS,
  )
  return { jobDefinitions: page.items, nextToken: page.nextToken }
}

/** Returns whether the reference names the definition. A bare name matches every revision, `name:revision` and ARNs one. */
function matchesReference(definition: JobDefinitionRecord, reference: string): boolean {
  return (
    reference === definition.jobDefinitionArn ||
    reference === definition.jobDefinitionName ||
    reference === `${definition.jobDefinitionName}:${definition.revision}`
  )
}

export function deregisterJobDefinition(state: BatchState, request: JsonObject) {
  const reference = requireString(request.jobDefinition, 'jobDefinition')
  const definition = [...state.jobDefinitions.values()].find(
    (candidate) =>
      reference === candidate.jobDefinitionArn ||
      reference === `${candidate.jobDefinitionName}:${candidate.revision}`,
  )
  if (definition === undefined) {
    throw new ClientException(
      `Job definition ${reference} not found. Give name:revision or the job definition ARN.`,
    )
  }
  definition.status = 'INACTIVE'
  state.markChanged()
  return {}
}
