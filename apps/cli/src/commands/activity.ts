import type { Command } from 'commander'
import type { ActivityItem, Page } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { renderTable } from '../output/table.js'
import { formatTime } from '../output/text.js'
import { noteNextPage, type PageOptions, pageQuery } from './listing.js'

export function registerActivity(program: Command, invocation: Invocation): void {
  program
    .command('activity')
    .description('List your actions (submissions, cancellations), newest first')
    .option('--limit <count>', 'items per page, 1 to 100 (the API returns 20 by default)')
    .option('--cursor <cursor>', 'page to read, from the previous page')
    .option('--json', 'print the API response ({ items, nextCursor }) as JSON')
    .action(async (options: PageOptions & { json?: boolean }) => {
      const page = await invocation.api.get<Page<ActivityItem>>('/v1/activity', pageQuery(options))

      if (options.json) {
        invocation.printJson(page)
        return
      }
      if (page.items.length === 0) {
        invocation.print('No activity.\n')
      } else {
        invocation.print(
          renderTable(page.items, [
            { header: 'at', cell: (item) => formatTime(item.at) },
            { header: 'action', cell: (item) => item.action },
            { header: 'run id', cell: (item) => item.runId },
            { header: 'source ip', cell: (item) => item.sourceIp },
          ]),
        )
      }
      noteNextPage(invocation, page.nextCursor)
    })
}
