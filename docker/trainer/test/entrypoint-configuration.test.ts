import { existsSync } from 'node:fs'
import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { childNodeVariables, mainNodeVariables, startEntrypoint } from './helpers/entrypoint.js'

/** A command that leaves a file behind, to prove whether the entrypoint ran it. */
function markerCommand(directory: string): string[] {
  return ['touch', join(directory, 'command-ran')]
}

const EXIT_CONFIGURATION = 78

t.test('missing variable stops the node before the command', async (t) => {
  const cases: Array<[string, Record<string, string>]> = [
    ['AWS_BATCH_JOB_NUM_NODES', mainNodeVariables()],
    ['AWS_BATCH_JOB_NODE_INDEX', mainNodeVariables()],
    ['AWS_BATCH_JOB_MAIN_NODE_INDEX', mainNodeVariables()],
    ['RUN_GPUS_PER_NODE', mainNodeVariables()],
    ['MASTER_PORT', mainNodeVariables()],
    ['AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS', childNodeVariables(29500)],
  ]
  for (const [name, variables] of cases) {
    const directory = t.testdir()
    delete variables[name]

    const result = await startEntrypoint(t.teardown, variables, markerCommand(directory)).finished

    t.equal(result.code, EXIT_CONFIGURATION, `missing ${name} exits ${EXIT_CONFIGURATION}`)
    t.match(result.stderr, new RegExp(`error: ${name} is not set; `), `message names ${name}`)
    t.notOk(existsSync(join(directory, 'command-ran')), `missing ${name} runs no command`)
  }
})

t.test('invalid variable stops the node with its value', async (t) => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'node index past the last node',
      mainNodeVariables({ AWS_BATCH_JOB_NODE_INDEX: '2' }),
      /AWS_BATCH_JOB_NODE_INDEX is invalid: '2'; expected an integer from 0 to 1/,
    ],
    [
      'no nodes',
      mainNodeVariables({ AWS_BATCH_JOB_NUM_NODES: '0' }),
      /AWS_BATCH_JOB_NUM_NODES is invalid: '0'/,
    ],
    [
      'GPU count that is not a number',
      mainNodeVariables({ RUN_GPUS_PER_NODE: 'two' }),
      /RUN_GPUS_PER_NODE is invalid: 'two'; expected an integer from 0 to 16/,
    ],
    [
      'port out of range',
      mainNodeVariables({ MASTER_PORT: '70000' }),
      /MASTER_PORT is invalid: '70000'; expected an integer from 1 to 65535/,
    ],
    [
      'unknown launcher',
      mainNodeVariables({ TRAINER_LAUNCHER: 'mpirun' }),
      /TRAINER_LAUNCHER is invalid: 'mpirun'; expected auto, torchrun or processes/,
    ],
    [
      'torchrun launcher without torchrun',
      mainNodeVariables({
        TRAINER_LAUNCHER: 'torchrun',
        TRAINER_TORCHRUN: '/nonexistent/torchrun',
      }),
      /TRAINER_LAUNCHER is torchrun but '\/nonexistent\/torchrun' was not found/,
    ],
    [
      'main address with shell characters',
      mainNodeVariables({ TRAINER_NODE_ADDRESS: '10.0.0.1;reboot' }),
      /TRAINER_NODE_ADDRESS is not a valid address: '10\.0\.0\.1;reboot'/,
    ],
    [
      'rendezvous timeout of zero',
      childNodeVariables(29500, { TRAINER_RENDEZVOUS_TIMEOUT_SECONDS: '0' }),
      /TRAINER_RENDEZVOUS_TIMEOUT_SECONDS is invalid: '0'/,
    ],
  ]
  for (const [description, variables, message] of cases) {
    const directory = t.testdir()

    const result = await startEntrypoint(t.teardown, variables, markerCommand(directory)).finished

    t.equal(result.code, EXIT_CONFIGURATION, `${description} exits ${EXIT_CONFIGURATION}`)
    t.match(result.stderr, message, `${description} is named in the message`)
    t.notOk(existsSync(join(directory, 'command-ran')), `${description} runs no command`)
  }
})

t.test('main node without an address asks for TRAINER_NODE_ADDRESS', async (t) => {
  const directory = t.testdir({ bin: {} })
  const hostname = join(directory, 'bin', 'hostname')
  await writeFile(hostname, '#!/bin/sh\nexit 0\n')
  await chmod(hostname, 0o755)
  const variables = mainNodeVariables({ PATH: `${join(directory, 'bin')}:${process.env.PATH}` })
  delete variables.TRAINER_NODE_ADDRESS

  const result = await startEntrypoint(t.teardown, variables, markerCommand(directory)).finished

  t.equal(result.code, EXIT_CONFIGURATION)
  t.match(result.stderr, /cannot find this main node's private address/)
  t.match(result.stderr, /set TRAINER_NODE_ADDRESS/)
  t.notOk(existsSync(join(directory, 'command-ran')))
})

t.test('no command is a usage error', async (t) => {
  const result = await startEntrypoint(t.teardown, mainNodeVariables(), []).finished

  t.equal(result.code, 64)
  t.match(result.stderr, /no command given; usage: entrypoint\.sh COMMAND/)
})
