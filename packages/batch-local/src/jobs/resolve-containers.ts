import type {
  ContainerDetail,
  ContainerOverrides,
  ContainerProperties,
  KeyValuePair,
  NodeProperties,
  ResourceRequirement,
} from '@aws-sdk/client-batch'
import { ClientException } from '../api/errors.js'
import type { JobDefinitionRecord } from '../model/records.js'
import { readContainerOverrides } from '../validation/container.js'
import {
  isObject,
  optionalArray,
  optionalInteger,
  optionalObject,
  requireString,
} from '../validation/input.js'
import {
  type NodeRange,
  parseNodeRange,
  rangeCovers,
  rangeWidth,
  validateRangeWithin,
} from '../validation/node-ranges.js'

/** The containers of a job's nodes after SubmitJob's overrides, indexed by node index. */
export interface ResolvedNodes {
  nodeProperties: NodeProperties | undefined
  mainNodeIndex: number
  containers: ContainerDetail[]
}

/** Resolves the single container of a `container` job definition. */
export function resolveContainerJob(
  definition: JobDefinitionRecord,
  containerOverridesValue: unknown,
  parameters: Record<string, string>,
): ResolvedNodes {
  const base = definition.containerProperties
  if (base === undefined) {
    throw new Error(
      `Internal error: job definition ${definition.jobDefinitionArn} has no containerProperties.`,
    )
  }
  const overrides = readContainerOverrides(containerOverridesValue, 'containerOverrides')
  const container = toContainerDetail(applyOverrides(base, overrides), parameters)
  return { nodeProperties: undefined, mainNodeIndex: 0, containers: [container] }
}

/**
 * Resolves every node of a `multinode` job definition. `nodeOverrides.numNodes` follows the
 * rules of the Batch API reference (NodeOverrides): the definition needs a node range with an
 * open upper bound whose start is below the new number of nodes, and the main node index must
 * stay below it too.
 */
export function resolveMultiNodeJob(
  definition: JobDefinitionRecord,
  nodeOverridesValue: unknown,
  parameters: Record<string, string>,
): ResolvedNodes {
  const properties = definition.nodeProperties
  if (properties === undefined) {
    throw new Error(
      `Internal error: job definition ${definition.jobDefinitionArn} has no nodeProperties.`,
    )
  }
  const nodeOverrides = optionalObject(nodeOverridesValue, 'nodeOverrides')
  const definitionRanges = (properties.nodeRangeProperties ?? []).map((rangeProperty) => ({
    targetNodes: rangeProperty.targetNodes ?? '',
    range: parseNodeRange(rangeProperty.targetNodes ?? '', 'targetNodes'),
    container: rangeProperty.container,
  }))
  const mainNodeIndex = properties.mainNode ?? 0

  const numNodesOverride = optionalInteger(nodeOverrides?.numNodes, 'nodeOverrides.numNodes', {
    min: 1,
  })
  const numNodes = numNodesOverride ?? properties.numNodes ?? 1
  if (numNodesOverride !== undefined) {
    validateNumNodesOverride(numNodesOverride, mainNodeIndex, definitionRanges)
  }

  const propertyOverrides = readNodePropertyOverrides(
    nodeOverrides?.nodePropertyOverrides,
    numNodes,
  )
  const containers: ContainerDetail[] = []
  for (let nodeIndex = 0; nodeIndex < numNodes; nodeIndex++) {
    const base = narrowestCoveringRange(definitionRanges, nodeIndex, numNodes)?.container
    if (base === undefined) {
      throw new ClientException(
        `Node ${nodeIndex} is not covered by any node range of job definition ` +
          `${definition.jobDefinitionName}:${definition.revision} with numNodes ${numNodes}.`,
      )
    }
    let container = base
    for (const override of propertyOverrides) {
      if (rangeCovers(override.range, nodeIndex, numNodes)) {
        container = applyOverrides(container, override.containerOverrides)
      }
    }
    containers.push(toContainerDetail(container, parameters))
  }

  return {
    nodeProperties: { ...structuredClone(properties), numNodes },
    mainNodeIndex,
    containers,
  }
}

interface DefinitionRange {
  targetNodes: string
  range: NodeRange
  container: ContainerProperties | undefined
}

function validateNumNodesOverride(
  numNodes: number,
  mainNodeIndex: number,
  ranges: DefinitionRange[],
): void {
  if (mainNodeIndex >= numNodes) {
    throw new ClientException(
      `nodeOverrides.numNodes (${numNodes}) must be greater than the main node index ` +
        `(${mainNodeIndex}) of the job definition.`,
    )
  }

  const openRanges = ranges.filter((candidate) => candidate.range.end === undefined)
  if (openRanges.length === 0) {
    throw new ClientException(
      'nodeOverrides.numNodes requires a node range with an open upper bound (such as "0:" or ' +
        '":") in the job definition.',
    )
  }
  for (const open of openRanges) {
    if (open.range.start >= numNodes) {
      throw new ClientException(
        `nodeOverrides.numNodes (${numNodes}) must be greater than the start of node range ` +
          `${open.targetNodes} of the job definition.`,
      )
    }
  }
  for (const closed of ranges) {
    validateRangeWithin(closed.range, closed.targetNodes, numNodes, 'job definition targetNodes')
  }
}

interface NodePropertyOverrideInput {
  range: NodeRange
  containerOverrides: ContainerOverrides | undefined
}

function readNodePropertyOverrides(value: unknown, numNodes: number): NodePropertyOverrideInput[] {
  const list = optionalArray(value, 'nodeOverrides.nodePropertyOverrides') ?? []
  return list.map((item, index) => {
    const field = `nodeOverrides.nodePropertyOverrides[${index}]`
    if (!isObject(item)) {
      throw new ClientException(`${field} must be an object.`)
    }
    const targetNodes = requireString(item.targetNodes, `${field}.targetNodes`)
    const range = parseNodeRange(targetNodes, `${field}.targetNodes`)
    validateRangeWithin(range, targetNodes, numNodes, `${field}.targetNodes`)
    return {
      range,
      containerOverrides: readContainerOverrides(
        item.containerOverrides,
        `${field}.containerOverrides`,
      ),
    }
  })
}

/** Picks the narrowest node range that covers the node, or the later one of two equally wide. */
function narrowestCoveringRange(
  ranges: DefinitionRange[],
  nodeIndex: number,
  numNodes: number,
): DefinitionRange | undefined {
  let best: DefinitionRange | undefined
  for (const candidate of ranges) {
    if (!rangeCovers(candidate.range, nodeIndex, numNodes)) {
      continue
    }
    if (
      best === undefined ||
      rangeWidth(candidate.range, numNodes) <= rangeWidth(best.range, numNodes)
    ) {
      best = candidate
    }
  }
  return best
}

/**
 * Applies container overrides as Batch does: `command` replaces the command, `environment`
 * replaces variables of the same name and adds the others, and `resourceRequirements` replaces
 * the requirement of the same type.
 */
export function applyOverrides(
  base: ContainerProperties,
  overrides: ContainerOverrides | undefined,
): ContainerProperties {
  if (overrides === undefined) {
    return base
  }
  return {
    ...base,
    command: overrides.command ?? base.command,
    environment: mergeByKey(
      base.environment,
      overrides.environment,
      (pair: KeyValuePair) => pair.name,
    ),
    resourceRequirements: mergeByKey(
      base.resourceRequirements,
      overrides.resourceRequirements,
      (requirement: ResourceRequirement) => requirement.type,
    ),
    vcpus: overrides.vcpus ?? base.vcpus,
    memory: overrides.memory ?? base.memory,
    instanceType: overrides.instanceType ?? base.instanceType,
  }
}

function mergeByKey<T>(
  base: T[] | undefined,
  overrides: T[] | undefined,
  keyOf: (item: T) => string | undefined,
): T[] | undefined {
  if (overrides === undefined) {
    return base
  }
  const merged = new Map<string | undefined, T>()
  for (const item of base ?? []) {
    merged.set(keyOf(item), item)
  }
  for (const item of overrides) {
    merged.set(keyOf(item), item)
  }
  return [...merged.values()]
}

/**
 * Copies container properties into a ContainerDetail and substitutes `Ref::name` parameter
 * placeholders in the command.
 *
 * Only a command element that is exactly `Ref::name` is substituted. A placeholder
 * inside a longer element is left as it is.
 */
function toContainerDetail(
  properties: ContainerProperties,
  parameters: Record<string, string>,
): ContainerDetail {
  const command = properties.command?.map((argument) => {
    const match = /^Ref::(.+)$/.exec(argument)
    const value = match?.[1] === undefined ? undefined : parameters[match[1]]
    return value ?? argument
  })
  return {
    ...(structuredClone(properties) as ContainerDetail),
    command,
    environment: properties.environment ?? [],
    resourceRequirements: properties.resourceRequirements ?? [],
    volumes: properties.volumes ?? [],
    mountPoints: properties.mountPoints ?? [],
    ulimits: properties.ulimits ?? [],
    secrets: properties.secrets ?? [],
    networkInterfaces: [],
  }
}
