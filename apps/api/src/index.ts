export { type AppOverrides, apiPlugin, buildApp } from './app.js'
export type { Principal } from './auth/principal.js'
export { type ApiConfig, loadConfig } from './config.js'
