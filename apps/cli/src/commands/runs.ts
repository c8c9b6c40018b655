import type { Command } from 'commander'
import type { Page, RunSummary } from '../api/types.js'
import { UsageError } from '../errors.js'
import type { Invocation } from '../invocation.js'
import { runColumns } from '../output/run-format.js'
import { renderTable } from '../output/table.js'
import { noteNextPage, type PageOptions, pageQuery } from './listing.js'

interface RunsOptions extends PageOptions {
  status?: string
  user?: string
  allUsers?: boolean
  json?: boolean
}

export function registerRuns(program: Command, invocation: Invocation): void {
  program
    .command('runs')
    .description('List your runs, newest first')
    .option('--status <status>', 'only runs in this status, such as RUNNING or FAILED')
    .option('--limit <count>', 'runs per page, 1 to 100 (the API returns 20 by default)')
    .option('--cursor <cursor>', 'page to read, from the previous page')
    .option('--user <userId>', "admins: list this user's runs (a Cognito sub)")
    .option('--all-users', "admins: list every user's runs")
    .option('--json', 'print the API response ({ items, nextCursor }) as JSON')
    .action(async (options: RunsOptions) => {
      if (options.allUsers && options.user !== undefined) {
        throw new UsageError('use either --user or --all-users, not both')
      }

      const page = await invocation.api.get<Page<RunSummary>>('/v1/runs', {
        ...pageQuery(options),
        status: options.status?.toUpperCase(),
        user: options.user,
        all: options.allUsers ? true : undefined,
      })

      if (options.json) {
        invocation.printJson(page)
        return
      }
      if (page.items.length === 0) {
        invocation.print('No runs.\n')
      } else {
        const withUser = options.allUsers === true || options.user !== undefined
        invocation.print(renderTable(page.items, runColumns(withUser)))
      }
      noteNextPage(invocation, page.nextCursor)
    })
}
