/** Path of the generated tables file, modules/data/main.tf. */
export declare const TABLES_FILE: string

/** Renders the Terraform of the platform's tables from TABLE_DEFINITIONS. */
export declare function renderTablesHcl(definitions: Record<string, unknown>): string
