export { runCli } from './cli.js'
export { CONFIG_DIR_VARIABLE, resolveConfigDir } from './config/config-dir.js'
export {
  checkProfile,
  DEFAULT_PROFILE,
  PROFILE_FILE,
  type Profile,
  type ProfileFile,
  readProfileFile,
  writeProfile,
} from './config/profile.js'
export type { CliContext } from './context.js'
export * from './exit-codes.js'
