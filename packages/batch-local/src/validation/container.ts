import type {
  ContainerOverrides,
  ContainerProperties,
  KeyValuePair,
  ResourceRequirement,
} from '@aws-sdk/client-batch'
import { ClientException } from '../api/errors.js'
import {
  isObject,
  optionalArray,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringArray,
} from './input.js'

// Batch API reference, ContainerProperties.environment: names starting with AWS_BATCH are
// reserved for the variables Batch sets.
const RESERVED_ENVIRONMENT_PREFIX = 'AWS_BATCH'

const RESOURCE_TYPES = new Set(['GPU', 'VCPU', 'MEMORY'])

/** Reads container properties. Members that batch-local does not use are kept as given. */
export function readContainerProperties(value: unknown, field: string): ContainerProperties {
  const object = optionalObject(value, field)
  if (object === undefined) {
    throw new ClientException(`${field} is required.`)
  }

  const image = optionalString(object.image, `${field}.image`)
  if (!image) {
    throw new ClientException(`${field}.image is required.`)
  }
  return {
    ...(object as ContainerProperties),
    image,
    command: optionalStringArray(object.command, `${field}.command`),
    environment: readEnvironment(object.environment, `${field}.environment`),
    resourceRequirements: readResourceRequirements(
      object.resourceRequirements,
      `${field}.resourceRequirements`,
    ),
    vcpus: optionalInteger(object.vcpus, `${field}.vcpus`, { min: 1 }),
    memory: optionalInteger(object.memory, `${field}.memory`, { min: 1 }),
  }
}

export function readContainerOverrides(
  value: unknown,
  field: string,
): ContainerOverrides | undefined {
  const object = optionalObject(value, field)
  if (object === undefined) {
    return undefined
  }
  return {
    command: optionalStringArray(object.command, `${field}.command`),
    environment: readEnvironment(object.environment, `${field}.environment`),
    resourceRequirements: readResourceRequirements(
      object.resourceRequirements,
      `${field}.resourceRequirements`,
    ),
    vcpus: optionalInteger(object.vcpus, `${field}.vcpus`, { min: 1 }),
    memory: optionalInteger(object.memory, `${field}.memory`, { min: 1 }),
    instanceType: optionalString(object.instanceType, `${field}.instanceType`),
  }
}

function readEnvironment(value: unknown, field: string): KeyValuePair[] | undefined {
  const list = optionalArray(value, field)
  if (list === undefined) {
    return undefined
  }
  return list.map((item, index) => {
    if (!isObject(item)) {
      throw new ClientException(`${field}[${index}] must be an object with name and value.`)
    }
    const name = optionalString(item.name, `${field}[${index}].name`)
    if (!name) {
      throw new ClientException(`${field}[${index}].name is required.`)
    }
    if (name.startsWith(RESERVED_ENVIRONMENT_PREFIX)) {
      throw new ClientException(
        `Invalid environment variable name ${name} in ${field}: names starting with ` +
          `${RESERVED_ENVIRONMENT_PREFIX} are reserved for the variables Batch sets.`,
      )
    }
    return { name, value: optionalString(item.value, `${field}[${index}].value`) ?? '' }
  })
}

function readResourceRequirements(
  value: unknown,
  field: string,
): ResourceRequirement[] | undefined {
  const list = optionalArray(value, field)
  if (list === undefined) {
    return undefined
  }
  return list.map((item, index) => {
    if (!isObject(item)) {
      throw new ClientException(`${field}[${index}] must be an object with type and value.`)
    }
    const type = optionalString(item.type, `${field}[${index}].type`)
    if (type === undefined || !RESOURCE_TYPES.has(type)) {
      throw new ClientException(
        `${field}[${index}].type must be GPU, VCPU or MEMORY (got ${JSON.stringify(type)}).`,
      )
    }
    const requirementValue = optionalString(item.value, `${field}[${index}].value`)
    if (!requirementValue) {
      throw new ClientException(`${field}[${index}].value is required.`)
    }
    return { type: type as ResourceRequirement['type'], value: requirementValue }
  })
}
