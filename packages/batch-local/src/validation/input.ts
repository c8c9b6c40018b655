import { ClientException } from '../api/errors.js'

/**
 * Readers for untrusted JSON request members. Each raises ClientException naming the member,
 * because Batch rejects a malformed request with ClientException too.
 */

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function requireString(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') {
    throw new ClientException(`${field} is required.`)
  }
  if (typeof value !== 'string') {
    throw new ClientException(`${field} must be a string.`)
  }
  return value
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  if (typeof value !== 'string') {
    throw new ClientException(`${field} must be a string.`)
  }
  return value
}

export interface IntegerRange {
  min?: number
  max?: number
}

export function optionalInteger(
  value: unknown,
  field: string,
  range: IntegerRange = {},
): number | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ClientException(`${field} must be an integer (got ${JSON.stringify(value)}).`)
  }
  if (range.min !== undefined && value < range.min) {
    throw new ClientException(describeRangeError(field, value, range))
  }
  if (range.max !== undefined && value > range.max) {
    throw new ClientException(describeRangeError(field, value, range))
  }
  return value
}

export function requireInteger(value: unknown, field: string, range: IntegerRange = {}): number {
  const integer = optionalInteger(value, field, range)
  if (integer === undefined) {
    throw new ClientException(`${field} is required.`)
  }
  return integer
}

function describeRangeError(field: string, value: number, range: IntegerRange): string {
  if (range.min !== undefined && range.max !== undefined) {
    return `${field} must be between ${range.min} and ${range.max} (got ${value}).`
  }
  if (range.min !== undefined) {
    return `${field} must be at least ${range.min} (got ${value}).`
  }
  return `${field} must be at most ${range.max} (got ${value}).`
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  if (typeof value !== 'boolean') {
    throw new ClientException(`${field} must be a boolean.`)
  }
  return value
}

export function optionalObject(value: unknown, field: string): JsonObject | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  if (!isObject(value)) {
    throw new ClientException(`${field} must be an object.`)
  }
  return value
}

export function optionalArray(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  if (!Array.isArray(value)) {
    throw new ClientException(`${field} must be a list.`)
  }
  return value
}

export function optionalStringArray(value: unknown, field: string): string[] | undefined {
  const list = optionalArray(value, field)
  if (list === undefined) {
    return undefined
  }
  return list.map((item, index) => {
    if (typeof item !== 'string') {
      throw new ClientException(`${field}[${index}] must be a string.`)
    }
    return item
  })
}

export function optionalStringMap(
  value: unknown,
  field: string,
): Record<string, string> | undefined {
  const object = optionalObject(value, field)
  if (object === undefined) {
    return undefined
  }
  const map: Record<string, string> = {}
  for (const [key, item] of Object.entries(object)) {
    if (typeof item !== 'string') {
      throw new ClientException(`${field}.${key} must be a string.`)
    }
    map[key] = item
  }
  return map
}
