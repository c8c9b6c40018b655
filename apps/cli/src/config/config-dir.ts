import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'

/** Variable that overrides the config directory, so tests and scripts never touch a real home. */
export const CONFIG_DIR_VARIABLE = 'TRAINPLANE_CONFIG_DIR'

/**
 * Resolves the CLI's config directory: `$TRAINPLANE_CONFIG_DIR`, else
 * `$XDG_CONFIG_HOME/trainplane`, else `~/.config/trainplane`. A relative `XDG_CONFIG_HOME` is
 * ignored, because the XDG Base Directory specification declares it invalid.
 */
export function resolveConfigDir(env: Record<string, string | undefined>): string {
  const override = env[CONFIG_DIR_VARIABLE]
  if (override) {
    return resolve(override)
  }

  const xdgConfigHome = env.XDG_CONFIG_HOME
  if (xdgConfigHome && isAbsolute(xdgConfigHome)) {
    return join(xdgConfigHome, 'trainplane')
  }

  return join(env.HOME || homedir(), '.config', 'trainplane')
}
