import type { Command } from 'commander'
import type { UserProfile } from '../api/types.js'
import type { Invocation } from '../invocation.js'
import { renderDetails } from '../output/table.js'
import { formatTime } from '../output/text.js'

export function registerWhoami(program: Command, invocation: Invocation): void {
  program
    .command('whoami')
    .description('Show the signed-in user as the API sees it: id, groups, fair-share identifier')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const me = await invocation.api.get<UserProfile>('/v1/me')

      if (options.json) {
        invocation.printJson(me)
        return
      }
      invocation.print(
        renderDetails([
          ['User id', me.userId],
          ['Username', me.username],
          ['Email', me.email],
          ['Groups', me.groups.length > 0 ? me.groups.join(', ') : '-'],
          ['Admin', me.isAdmin ? 'yes' : 'no'],
          ['Share identifier', me.shareIdentifier],
          ['Since', formatTime(me.createdAt)],
        ]),
      )
    })
}
