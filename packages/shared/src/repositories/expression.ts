/**
 * Collects `#name` and `:value` placeholders for one DynamoDB expression set, so attribute
 * names never appear in expressions directly (`status`, `name` and `timestamp` are reserved
 * words in DynamoDB).
 */
export class ExpressionBuilder {
  readonly names: Record<string, string> = {}
  readonly values: Record<string, unknown> = {}
  #nextValue = 0

  /** Placeholder for an attribute name. */
  name(attribute: string): string {
    const placeholder = `#${attribute.replace(/[^A-Za-z0-9_]/g, '_')}`
    this.names[placeholder] = attribute
    return placeholder
  }

  /** Placeholder for a value. */
  value(value: unknown): string {
    const placeholder = `:v${this.#nextValue++}`
    this.values[placeholder] = value
    return placeholder
  }

  /** The placeholder maps, omitting empty ones, which DynamoDB rejects. */
  attributes(): {
    ExpressionAttributeNames?: Record<string, string>
    ExpressionAttributeValues?: Record<string, unknown>
  } {
    return {
      ...(Object.keys(this.names).length > 0 && { ExpressionAttributeNames: this.names }),
      ...(Object.keys(this.values).length > 0 && { ExpressionAttributeValues: this.values }),
    }
  }
}

/** Builds `SET #a = :v0, #b = :v1` clauses from an object, skipping undefined values. */
export function setClauses(
  expression: ExpressionBuilder,
  fields: Record<string, unknown>,
): string[] {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([attribute, value]) => `${expression.name(attribute)} = ${expression.value(value)}`)
}
