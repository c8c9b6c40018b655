import { createInterface } from 'node:readline/promises'
import type { ReadStream } from 'node:tty'
import { InterruptedError } from '../errors.js'

/** Asks the user for a line of text. Prompts go to standard error, so `--json` output stays clean. */
export interface Prompter {
  ask(question: string): Promise<string>
  /** Asks without echoing what is typed, for passwords. */
  askHidden(question: string): Promise<string>
}

const CTRL_C = '\u0003'
const CTRL_D = '\u0004'
const BACKSPACE = '\u007f'
const ENTER = /[\r\n]/
/** Cursor and function keys send escape sequences, which are not part of a password. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences start with ESC.
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z])?/g

export function createTerminalPrompter(input: ReadStream, output: NodeJS.WritableStream): Prompter {
  return {
    async ask(question) {
      const readline = createInterface({ input, output, terminal: true })
      try {
        return await new Promise<string>((resolve, reject) => {
          readline.once('SIGINT', () => reject(new InterruptedError()))
          readline.once('close', () => reject(new InterruptedError()))
          readline.question(question).then(resolve, reject)
        })
      } finally {
        readline.removeAllListeners('close')
        readline.close()
      }
    },

    askHidden(question) {
      output.write(question)
      input.setRawMode(true)
      input.setEncoding('utf8')
      input.resume()

      return new Promise<string>((resolve, reject) => {
        let value = ''
        const finish = () => {
          input.off('data', onData)
          input.setRawMode(false)
          input.pause()
          output.write('\n')
        }
        const onData = (chunk: string) => {
          for (const character of chunk.replace(ESCAPE_SEQUENCE, '')) {
            if (ENTER.test(character)) {
              finish()
              resolve(value)
              return
            }
            if (character === CTRL_C || (character === CTRL_D && value === '')) {
              finish()
              reject(new InterruptedError())
              return
            }
            if (character === BACKSPACE || character === '\b') {
              value = [...value].slice(0, -1).join('')
            } else if (character >= ' ') {
              value += character
            }
          }
        }
        input.on('data', onData)
      })
    },
  }
}
