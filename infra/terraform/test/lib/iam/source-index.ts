import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

/** One `new XxxCommand(…)` of an AWS SDK package. */
export interface CommandUse {
  /** `<package>:<class>`, the key of COMMAND_ACTIONS. */
  command: string
  /** Source text of the command's input, to find the items of a transaction. */
  input: string
  file: string
}

/** What one function or method does that matters for permissions. */
export interface CodeUnit {
  commands: CommandUse[]
  /** Names of methods called as `this.name(…)` or `this.#name(…)` (with the `#`). */
  thisCalls: Set<string>
  /** Names of methods called on any other object, as `.name(…)`. */
  memberCalls: Set<string>
  /** Names of plain functions called, as `name(…)`, or passed by name as an argument. */
  functionCalls: Set<string>
  /** Classes constructed, as `new Name(…)`. */
  constructed: Set<string>
}

export interface ClassIndex {
  name: string
  file: string
  /** Tables the class reaches through `tables.<name>` or a `<name>Table` parameter. */
  tables: Set<string>
  methods: Map<string, CodeUnit>
}

export type FunctionUnit = CodeUnit & { file: string; tables: Set<string> }

/** Functions, classes and top-level code of a set of source files. */
export interface SourceIndex {
  classes: Map<string, ClassIndex>
  /** Functions by name; files may declare functions of the same name. */
  functions: Map<string, FunctionUnit[]>
  /** Code outside any function or class, such as module-level constants, by file. */
  topLevel: Map<string, CodeUnit>
  files: string[]
}

const TABLES = ['users', 'activity', 'runs', 'results']

function emptyUnit(): CodeUnit {
  return {
    commands: [],
    thisCalls: new Set(),
    memberCalls: new Set(),
    functionCalls: new Set(),
    constructed: new Set(),
  }
}

/** Tables a piece of source names, as `tables.runs` or `runsTable`. */
export function tablesNamedIn(text: string): Set<string> {
  const found = new Set<string>()
  for (const table of TABLES) {
    if (new RegExp(`\\btables\\.${table}\\b|\\b${table}Table\\b`).test(text)) found.add(table)
  }
  return found
}

/** Named imports of a file: local name => module specifier. */
function importsOf(source: ts.SourceFile): Map<string, string> {
  const imports = new Map<string, string>()
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) {
      continue
    }
    const bindings = statement.importClause?.namedBindings
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        imports.set(element.name.text, statement.moduleSpecifier.text)
      }
    }
  }
  return imports
}

/** Returns a member's name. Private names keep their `#`, so `.update()` never matches `#update`. */
function memberName(name: ts.MemberName): string {
  return name.text
}

/** Records the calls, constructions and SDK commands under a node into a unit. */
function collect(
  node: ts.Node,
  unit: CodeUnit,
  imports: Map<string, string>,
  source: ts.SourceFile,
  file: string,
): void {
  const visit = (current: ts.Node): void => {
    if (ts.isNewExpression(current) && ts.isIdentifier(current.expression)) {
      const name = current.expression.text
      const from = imports.get(name)
      if (from?.startsWith('@aws-sdk/') && name.endsWith('Command')) {
        unit.commands.push({
          command: `${from}:${name}`,
          input: current.arguments?.map((argument) => argument.getText(source)).join(', ') ?? '',
          file,
        })
      } else {
        unit.constructed.add(name)
      }
    }

    if (ts.isCallExpression(current)) {
      const callee = current.expression
      if (ts.isPropertyAccessExpression(callee)) {
        const name = memberName(callee.name)
        if (callee.expression.kind === ts.SyntaxKind.ThisKeyword) unit.thisCalls.add(name)
        else unit.memberCalls.add(name)
      } else if (ts.isIdentifier(callee)) {
        unit.functionCalls.add(callee.text)
      }
      // A function passed by name, as in `items.map(toRequest)`, is called by its receiver.
      for (const argument of current.arguments) {
        if (ts.isIdentifier(argument)) unit.functionCalls.add(argument.text)
      }
    }

    ts.forEachChild(current, visit)
  }
  visit(node)
}

function addFunction(index: SourceIndex, name: string, unit: FunctionUnit): void {
  const existing = index.functions.get(name) ?? []
  existing.push(unit)
  index.functions.set(name, existing)
}

function indexFile(path: string, index: SourceIndex): void {
  const text = readFileSync(path, 'utf8')
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true)
  const imports = importsOf(source)
  const topLevel = emptyUnit()
  index.topLevel.set(path, topLevel)

  for (const statement of source.statements) {
    if (ts.isClassDeclaration(statement) && statement.name) {
      const entry: ClassIndex = {
        name: statement.name.text,
        file: path,
        tables: tablesNamedIn(statement.getText(source)),
        methods: new Map(),
      }
      for (const member of statement.members) {
        if (
          (ts.isMethodDeclaration(member) || ts.isGetAccessor(member)) &&
          member.body &&
          (ts.isIdentifier(member.name) || ts.isPrivateIdentifier(member.name))
        ) {
          const unit = emptyUnit()
          collect(member.body, unit, imports, source, path)
          entry.methods.set(memberName(member.name), unit)
        }
      }
      index.classes.set(entry.name, entry)
      continue
    }

    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      const unit = emptyUnit()
      collect(statement.body, unit, imports, source, path)
      addFunction(index, statement.name.text, {
        ...unit,
        file: path,
        tables: tablesNamedIn(statement.getText(source)),
      })
      continue
    }

    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const initializer = declaration.initializer
        if (
          ts.isIdentifier(declaration.name) &&
          initializer &&
          (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer))
        ) {
          const unit = emptyUnit()
          collect(initializer, unit, imports, source, path)
          addFunction(index, declaration.name.text, {
            ...unit,
            file: path,
            tables: tablesNamedIn(declaration.getText(source)),
          })
          continue
        }
        collect(declaration, topLevel, imports, source, path)
      }
      continue
    }

    if (!ts.isImportDeclaration(statement) && !ts.isInterfaceDeclaration(statement)) {
      collect(statement, topLevel, imports, source, path)
    }
  }
}

function isSourceFile(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')
}

/** Lists the TypeScript source files under a folder, without tests and declarations. */
export function sourceFilesUnder(dir: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) files.push(...sourceFilesUnder(path))
    else if (isSourceFile(entry)) files.push(path)
  }
  return files
}

/** Resolves a relative import such as `./config.js` to its source file, if it exists. */
function resolveRelativeImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier)
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    join(base, 'index.ts'),
  ]
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile())
}

/** Source files reachable from entry files through relative imports (static and dynamic). */
export function reachableFiles(entries: string[]): string[] {
  const seen = new Set<string>()
  const pending = [...entries]

  while (pending.length > 0) {
    const file = pending.pop() as string
    if (seen.has(file)) continue
    seen.add(file)

    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolveRelativeImport(file, match[1] ?? '')
      if (target && !seen.has(target)) pending.push(target)
    }
  }
  return [...seen].sort()
}

/** Parses source files into an index of their classes, functions and SDK commands. */
export function indexSources(files: string[], root: string): SourceIndex {
  const index: SourceIndex = {
    classes: new Map(),
    functions: new Map(),
    topLevel: new Map(),
    files: files.map((file) => relative(root, file)),
  }
  for (const file of files) indexFile(file, index)
  return index
}
