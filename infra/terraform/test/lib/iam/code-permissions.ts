import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { TableDefinition } from '@trainplane/shared'
import { COMMAND_ACTIONS, resourceKindsFor, TRANSACTION_ITEM_ACTIONS } from './action-table.js'
import {
  type CodeUnit,
  type CommandUse,
  indexSources,
  type SourceIndex,
  tablesNamedIn,
} from './source-index.js'

/** One permission the code needs: an action on a kind of resource, and the command behind it. */
export interface Permission {
  action: string
  resource: string
  /** Where the command is, for messages. */
  source: string
}

export interface CodePermissions {
  permissions: Permission[]
  /** Commands missing from the action table, and DynamoDB commands with no known table. */
  problems: string[]
}

export interface CodeScanInput {
  /** The app's source files that the deployed entry point can reach. */
  appFiles: string[]
  /** Entry files whose top-level code starts the call graph; every app unit when absent. */
  entries?: string[]
  /** Every source file of @trainplane/shared. */
  sharedFiles: string[]
  /** Folder that messages name files relative to. */
  root: string
  tables: Readonly<Record<string, TableDefinition>>
}

function actionsOf(use: CommandUse): string[] | undefined {
  const actions = COMMAND_ACTIONS[use.command]
  if (actions === undefined) return undefined
  if (actions !== 'transaction') return [...actions]

  // A transaction needs the action of each item type it contains (DynamoDB developer guide,
  // "Using IAM with DynamoDB transactions").
  const items = [...use.input.matchAll(/\b(Put|Update|Delete|ConditionCheck|Get)\s*:/g)]
  return [...new Set(items.map((match) => TRANSACTION_ITEM_ACTIONS[match[1] ?? ''] ?? ''))]
}

class PermissionCollector {
  readonly permissions: Permission[] = []
  readonly problems: string[] = []

  constructor(
    private readonly root: string,
    private readonly tables: Readonly<Record<string, TableDefinition>>,
  ) {}

  add(use: CommandUse, tables: Set<string>): void {
    const source = `${relative(this.root, use.file)} (${use.command.split(':')[1]})`
    const actions = actionsOf(use)
    if (actions === undefined) {
      this.problems.push(`${source}: ${use.command} is not in the action table`)
      return
    }

    for (const action of actions) {
      if (!action.startsWith('dynamodb:')) {
        for (const resource of resourceKindsFor(action, undefined, false)) {
          this.permissions.push({ action, resource, source })
        }
        continue
      }

      if (tables.size === 0) {
        this.problems.push(`${source}: cannot tell which table ${action} uses`)
        continue
      }
      for (const table of tables) {
        const hasIndexes = (this.tables[table]?.indexes.length ?? 0) > 0
        for (const resource of resourceKindsFor(action, table, hasIndexes)) {
          this.permissions.push({ action, resource, source })
        }
      }
    }
  }
}

interface PendingUnit {
  key: string
  unit: CodeUnit
  /** Tables the unit's DynamoDB commands use: its own, or its caller's. */
  tables: Set<string>
  /** Class whose method the unit is, for `this.name(…)` calls. */
  owner?: { index: SourceIndex; name: string }
}

/**
 * Works out the permissions an app's code needs by following its calls. It starts from the
 * top-level code of the entry files, or from every unit of the app when it has no entries.
 * A function call leads to every function of that name in the app or in @trainplane/shared,
 * and a method call `.name(…)` to the methods of that name of every class constructed on the
 * way. Every SDK command met counts. A DynamoDB command takes the table of the class or
 * function it sits in (`tables.runs`, a `runsTable` parameter), else its caller's.
 *
 * NOTE: calls are matched by name, not by type. A method name that two constructed classes
 * share counts for both, so the check may ask for more than the code needs. A method passed as
 * a value (`items.map(this.#send)`) is not followed, which could hide a command.
 */
export function codePermissions(input: CodeScanInput): CodePermissions {
  const app = indexSources(input.appFiles, input.root)
  const shared = indexSources(input.sharedFiles, input.root)
  const indexes = [app, shared]
  const collector = new PermissionCollector(input.root, input.tables)

  const pending: PendingUnit[] = []
  const visited = new Set<string>()
  const constructed: { index: SourceIndex; name: string }[] = []
  const memberNames = new Set<string>()

  const enqueueMethod = (owner: { index: SourceIndex; name: string }, method: string) => {
    const entry = owner.index.classes.get(owner.name)
    const unit = entry?.methods.get(method)
    if (!entry || !unit) return
    const key = `${entry.file}:${entry.name}.${method}`
    pending.push({ key, unit, tables: entry.tables, owner })
  }

  const construct = (name: string) => {
    for (const index of indexes) {
      if (
        !index.classes.has(name) ||
        constructed.some((c) => c.index === index && c.name === name)
      ) {
        continue
      }
      const owner = { index, name }
      constructed.push(owner)
      for (const member of memberNames) enqueueMethod(owner, member)
    }
  }

  const callMember = (name: string) => {
    if (memberNames.has(name)) return
    memberNames.add(name)
    for (const owner of constructed) enqueueMethod(owner, name)
  }

  const callFunction = (name: string, callerTables: Set<string>) => {
    for (const index of indexes) {
      for (const unit of index.functions.get(name) ?? []) {
        const tables = unit.tables.size > 0 ? unit.tables : callerTables
        pending.push({ key: `${unit.file}:${name}(${[...tables].join(',')})`, unit, tables })
      }
    }
  }

  if (input.entries) {
    for (const entry of input.entries) {
      const unit = app.topLevel.get(entry)
      if (unit) pending.push({ key: `${entry}:top`, unit, tables: new Set() })
    }
  } else {
    for (const [file, unit] of app.topLevel) {
      pending.push({ key: `${file}:top`, unit, tables: new Set() })
    }
    for (const [name, units] of app.functions) {
      for (const unit of units) {
        pending.push({ key: `${unit.file}:${name}()`, unit, tables: unit.tables })
      }
    }
    for (const name of app.classes.keys()) construct(name)
    for (const entry of app.classes.values()) {
      for (const method of entry.methods.keys())
        enqueueMethod({ index: app, name: entry.name }, method)
    }
  }

  while (pending.length > 0) {
    const item = pending.pop() as PendingUnit
    if (visited.has(item.key)) continue
    visited.add(item.key)

    for (const use of item.unit.commands) {
      const isApp = input.appFiles.includes(use.file)
      const tables =
        item.tables.size > 0 || !isApp ? item.tables : tablesNamedIn(readFileSync(use.file, 'utf8'))
      collector.add(use, tables)
    }
    for (const name of item.unit.constructed) construct(name)
    for (const name of item.unit.thisCalls) {
      if (item.owner) enqueueMethod(item.owner, name)
    }
    for (const name of item.unit.memberCalls) callMember(name)
    for (const name of item.unit.functionCalls) callFunction(name, item.tables)
  }

  return { permissions: collector.permissions, problems: collector.problems }
}
