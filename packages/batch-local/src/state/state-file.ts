import { mkdirSync, readFileSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { PersistedState } from './batch-state.js'

const STATE_FILE_NAME = 'state.json'
const SAVE_DELAY_MS = 50

/**
 * The state folder's JSON file. Saves are coalesced: a burst of changes within SAVE_DELAY_MS
 * writes the file once. Each write goes to a temporary file that is then renamed over the old
 * one, so a crash leaves either the old or the new state, never a partial file.
 */
export class StateFile {
  private readonly path: string
  private saveTimer: NodeJS.Timeout | undefined
  private saving: Promise<void> = Promise.resolve()

  constructor(
    directory: string,
    private readonly readState: () => PersistedState,
    private readonly logger: Logger,
  ) {
    mkdirSync(directory, { recursive: true })
    this.path = join(directory, STATE_FILE_NAME)
  }

  /** Returns the saved state, or undefined when the folder has none yet. */
  load(): PersistedState | undefined {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined
      }
      throw error
    }

    const state = JSON.parse(text) as PersistedState
    if (state.version !== 1) {
      throw new Error(
        `Unsupported state file version ${String(state.version)} in ${this.path}; ` +
          'move the file away to start with an empty state.',
      )
    }
    return state
  }

  scheduleSave(): void {
    if (this.saveTimer !== undefined) {
      return
    }
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined
      this.saving = this.saving.then(() => this.write())
    }, SAVE_DELAY_MS)
  }

  /** Writes the current state now and waits for earlier writes. */
  async flush(): Promise<void> {
    if (this.saveTimer !== undefined) {
      clearTimeout(this.saveTimer)
      this.saveTimer = undefined
    }
    this.saving = this.saving.then(() => this.write())
    await this.saving
  }

  private async write(): Promise<void> {
    const temporaryPath = `${this.path}.tmp`
    try {
      await writeFile(temporaryPath, JSON.stringify(this.readState()))
      await rename(temporaryPath, this.path)
    } catch (error) {
      this.logger.error({ err: error, path: this.path }, 'state save failed')
    }
  }
}
