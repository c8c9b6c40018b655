import { NO_RESOURCE_LEVEL_ACTIONS } from './action-table.js'
import type { CodePermissions } from './code-permissions.js'
import type { RolePolicies } from './role-policies.js'

/** A permission the platform needs beside the app's code, with the reason. */
export interface PlatformPermission {
  action: string
  resource: string
  reason: string
}

function key(action: string, resource: string): string {
  return `${action} on ${resource}`
}

/**
 * Compares a role's policies with what its code calls. Every needed action on its resource is
 * granted, and nothing more. No action is a wildcard. A "*" resource carries only actions that
 * support no resource-level permissions, and a comment in its statement gives the reason.
 *
 * @param platform - what the runtime needs beside the code, such as a Lambda's own log group
 */
export function compareRole(
  code: CodePermissions,
  policies: RolePolicies,
  platform: readonly PlatformPermission[] = [],
): string[] {
  const problems = [
    ...code.problems,
    ...policies.problems.map((problem) => `${problem.address}: ${problem.message}`),
  ]

  const required = new Map<string, string>()
  for (const permission of code.permissions) {
    required.set(key(permission.action, permission.resource), permission.source)
  }
  for (const permission of platform) {
    required.set(key(permission.action, permission.resource), permission.reason)
  }

  const granted = new Map<string, string>()
  for (const statement of policies.statements) {
    const where = `${statement.document}/${statement.sid}`
    for (const action of statement.actions) {
      if (action.includes('*')) problems.push(`${where} grants the wildcard action ${action}`)
      for (const resource of statement.resources) {
        if (resource.startsWith('?:')) {
          problems.push(`${where} names a resource the check cannot classify: ${resource.slice(2)}`)
          continue
        }
        if (resource === '*' && !NO_RESOURCE_LEVEL_ACTIONS.has(action)) {
          problems.push(
            `${where} grants ${action} on "*", but it supports resource-level permissions`,
          )
        }
        granted.set(key(action, resource), where)
      }
    }
    if (statement.resources.includes('*') && !statement.commented) {
      problems.push(`${where} grants on "*" without a comment saying why nothing narrower works`)
    }
  }

  for (const [permission, source] of required) {
    if (!granted.has(permission)) problems.push(`missing ${permission}, needed by ${source}`)
  }
  for (const [permission, where] of granted) {
    if (!required.has(permission))
      problems.push(`extra ${permission} in ${where}; no code needs it`)
  }
  return problems
}
