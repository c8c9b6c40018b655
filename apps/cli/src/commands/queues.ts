import type { Command } from 'commander'
import type { Page, QueueView } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { renderTable } from '../output/table.js'
import { formatDuration } from '../spec/duration.js'

export function registerQueues(program: Command, invocation: Invocation): void {
  program
    .command('queues')
    .description('List the queues you can submit to, with their limits and prices')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const { items } = await invocation.api.get<Page<QueueView>>('/v1/queues')

      if (options.json) {
        invocation.printJson({ items })
        return
      }
      invocation.print(
        renderTable(items, [
          { header: 'name', cell: (queue) => queue.name },
          { header: 'max nodes', cell: (queue) => queue.maxNodes, align: 'right' },
          { header: 'gpus/node', cell: (queue) => queue.gpusPerNode, align: 'right' },
          { header: 'max timeout', cell: (queue) => formatDuration(queue.maxTimeoutSeconds) },
          { header: 'usd/gpu-hour', cell: (queue) => queue.pricePerGpuHour, align: 'right' },
          { header: 'spot', cell: (queue) => (queue.spot ? 'yes' : 'no') },
          { header: 'description', cell: (queue) => queue.description, maxWidth: 60 },
        ]),
      )
    })
}
