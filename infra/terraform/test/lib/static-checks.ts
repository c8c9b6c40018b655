import {
  checkNoHardCodedIdentifiers,
  checkPolicyDocuments,
  checkStandardFiles,
  checkVariables,
} from './conventions.js'
import { checkModuleCalls, checkReferences } from './references.js'
import type { Problem, TerraformModule } from './terraform-module.js'

/** Problems of every kind in a parsed workspace, by check name. */
export interface StaticReport {
  parse: Problem[]
  references: Problem[]
  moduleCalls: Problem[]
  variables: Problem[]
  standardFiles: Problem[]
  policies: Problem[]
  hardCoded: Problem[]
}

/** Runs every static check on each module of a workspace. */
export async function runStaticChecks(
  workspace: Map<string, TerraformModule>,
): Promise<StaticReport> {
  const report: StaticReport = {
    parse: [],
    references: [],
    moduleCalls: [],
    variables: [],
    standardFiles: [],
    policies: [],
    hardCoded: [],
  }

  for (const module of workspace.values()) {
    report.parse.push(...module.problems)
    report.references.push(...(await checkReferences(module, workspace)))
    report.moduleCalls.push(...checkModuleCalls(module, workspace))
    report.variables.push(...checkVariables(module))
    report.standardFiles.push(...checkStandardFiles(module))
    report.policies.push(...checkPolicyDocuments(module))
    report.hardCoded.push(...checkNoHardCodedIdentifiers(module))
  }
  return report
}
