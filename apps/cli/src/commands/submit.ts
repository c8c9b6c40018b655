import { randomUUID } from 'node:crypto'
import type { Command } from 'commander'
import type { RunView } from '../api/types.js'
import { UsageError } from '../errors.js'
import type { Invocation } from '../invocation.js'
import { formatShape } from '../output/run-format.js'
import { buildRunSpec, type SpecOptions } from '../spec/build-spec.js'
import { collect } from '../spec/option-values.js'
import { readRunFile } from '../spec/run-file.js'
import { validateRunSpec } from '../spec/validate-spec.js'
import { addFollowOptions, type FollowCommandOptions, followAndExit } from './follow-options.js'

interface SubmitOptions extends SpecOptions, FollowCommandOptions {
  file?: string
  wait?: boolean
  dryRun?: boolean
  idempotencyKey?: string
}

/** The API's Idempotency-Key pattern: 1 to 128 letters, digits, `_` and `-`. */
const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/

export function registerSubmit(program: Command, invocation: Invocation): void {
  const command = program
    .command('submit')
    .description('Submit a training run from options, a run file (YAML or JSON), or both')
    .argument('[command...]', 'the command to run on every node, after --')
    .option(
      '-f, --file <path>',
      'run file in YAML or JSON (- reads standard input); options override its fields',
    )
    .option('--name <name>', 'display name of the run')
    .option('--image <image>', 'container image, such as registry.example.com/team/train:1.4')
    .option(
      '--command <argument>',
      'one argument of the command; repeat for each argument',
      collect,
    )
    .option('--nodes <count>', 'number of nodes')
    .option('--gpus-per-node <count>', 'GPUs on each node')
    .option('--queue <name>', 'queue name, from trainplane queues')
    .option('--env <KEY=VALUE>', 'environment variable on every node; repeatable', collect)
    .option(
      '--hp <KEY=VALUE>',
      'hyperparameter; numbers and true/false are converted; repeatable',
      collect,
    )
    .option(
      '--timeout <duration>',
      'time limit of each attempt: seconds or a duration such as 2h or 1h30m',
    )
    .option(
      '--retries <count>',
      'retries after the first attempt when a host is lost (0 means none)',
    )
    .option('--tag <KEY=VALUE>', 'tag on the Batch job; repeatable', collect)
    .option(
      '--idempotency-key <key>',
      'key that makes a repeated submission return the same run; random by default',
    )
    .option('--dry-run', 'validate and print the run spec without submitting it')
    .option('--wait', 'follow the run until it ends; the exit code then reflects its status')
    .option('--json', 'print the run as JSON (with --wait, the final run)')

  addFollowOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  trainplane submit --file run.yaml --wait
  trainplane submit --image registry.example.com/team/train:1.4 --queue gpu --nodes 2 \\
    --gpus-per-node 8 --timeout 2h --hp lr=0.001 -- python train.py --epochs 3`,
    )
    .action(async (commandOperands: string[], options: SubmitOptions) => {
      const { context } = invocation
      const idempotencyKey = options.idempotencyKey ?? randomUUID()
      if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
        throw new UsageError(
          `option --idempotency-key ${JSON.stringify(idempotencyKey)} is invalid; use 1 to 128 letters, digits, _ and -`,
        )
      }

      const fileFields =
        options.file === undefined ? undefined : await readRunFile(options.file, context.readStdin)
      const spec = await validateRunSpec(buildRunSpec(options, commandOperands, fileFields))

      if (options.dryRun) {
        invocation.printJson(spec)
        return
      }

      // Every attempt of this invocation sends the same key, so a retried request cannot make a
      // second run. The API returns the first run for a day.
      const run = await invocation.api.post<RunView>('/v1/runs', spec, {
        'idempotency-key': idempotencyKey,
      })

      if (!options.json) {
        invocation.print(
          `Submitted run ${run.runId} (${run.status}) to queue ${spec.queue}, ${formatShape(spec)} GPUs.\n`,
        )
      }
      if (options.wait) {
        await followAndExit(invocation, run.runId, options, run)
        return
      }
      if (options.json) {
        invocation.printJson(run)
        return
      }
      invocation.print(`Follow it with: trainplane watch ${run.runId}\n`)
    })
}
