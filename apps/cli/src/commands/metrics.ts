import type { Command } from 'commander'
import type { MetricPoint, Page } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { renderTable } from '../output/table.js'
import { formatTime } from '../output/text.js'
import { noteNextPage, type PageOptions, pageQuery } from './listing.js'
import { runPath } from './run-argument.js'

interface MetricsOptions extends PageOptions {
  name?: string
  json?: boolean
}

export function registerMetrics(program: Command, invocation: Invocation): void {
  program
    .command('metrics')
    .description("List a run's metric points, by metric name and then step")
    .argument('<run>', 'run id')
    .option('--name <metric>', 'only this metric, such as loss')
    .option('--limit <count>', 'points per page, 1 to 100')
    .option('--cursor <cursor>', 'page to read, from the previous page')
    .option('--json', 'print the API response ({ items, nextCursor }) as JSON')
    .action(async (runId: string, options: MetricsOptions) => {
      const page = await invocation.api.get<Page<MetricPoint>>(runPath(runId, '/metrics'), {
        ...pageQuery(options),
        name: options.name,
      })

      if (options.json) {
        invocation.printJson(page)
        return
      }
      if (page.items.length === 0) {
        invocation.print('No metrics reported.\n')
      } else {
        invocation.print(
          renderTable(page.items, [
            { header: 'name', cell: (point) => point.name },
            { header: 'step', cell: (point) => point.step, align: 'right' },
            { header: 'value', cell: (point) => point.value, align: 'right' },
            { header: 'at', cell: (point) => point.at && formatTime(point.at) },
          ]),
        )
      }
      noteNextPage(invocation, page.nextCursor)
    })
}
