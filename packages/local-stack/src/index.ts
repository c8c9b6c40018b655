export { LOCAL_PROFILE, writeLocalProfile } from './cli-profile.js'
export { PortInUseError } from './ports.js'
export { type LocalStackSettings, REPO_ROOT, readSettings } from './settings.js'
export {
  LOCAL_REGION,
  LOCAL_TABLE_PREFIX,
  LOCAL_TRAINER,
  type LocalStack,
  startLocalStack,
} from './stack.js'
