import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseDocument } from 'yaml'
import {
  type Dockerfile,
  effectiveInstructions,
  execForm,
  findStage,
  readDockerfile,
  type Stage,
} from './dockerfile.js'

/** The parts of a compose service these checks read (Compose Specification, "services"). */
export interface ComposeService {
  image?: string
  build?: string | { context?: string; dockerfile?: string; target?: string }
  command?: string | string[]
  environment?: Record<string, string | number | boolean | null> | string[]
  env_file?: unknown
  ports?: (string | number | { host_ip?: string; published?: string | number; target?: number })[]
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[]
  depends_on?: string[] | Record<string, { condition?: string }>
  healthcheck?: { test?: unknown; disable?: boolean }
}

export interface ComposeFile {
  path: string
  services: Record<string, ComposeService>
  volumes: Record<string, unknown>
}

/** A compose file that is not valid YAML or has no services. */
export class ComposeParseError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`)
    this.name = 'ComposeParseError'
  }
}

/**
 * Reads and parses a compose file.
 *
 * @throws ComposeParseError when the YAML is invalid or has no `services` mapping
 */
export function loadCompose(path: string): ComposeFile {
  const document = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true })
  const error = document.errors[0]
  if (error) {
    throw new ComposeParseError(path, error.message)
  }

  const value = document.toJS() as { services?: unknown; volumes?: unknown } | null
  if (!value || typeof value.services !== 'object' || value.services === null) {
    throw new ComposeParseError(path, 'has no services mapping')
  }
  return {
    path,
    services: value.services as Record<string, ComposeService>,
    volumes: (value.volumes ?? {}) as Record<string, unknown>,
  }
}

/** Returns the service's environment as strings; a name listed without a value is undefined. */
export function environmentOf(service: ComposeService): Record<string, string | undefined> {
  const { environment } = service
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const [name = '', ...value] = entry.split('=')
        return [name, value.length > 0 ? value.join('=') : undefined]
      }),
    )
  }
  return Object.fromEntries(
    Object.entries(environment ?? {}).map(([name, value]) => [
      name,
      value === null ? undefined : String(value),
    ]),
  )
}

/** A port the service publishes on the host. */
export interface PublishedPort {
  /** The text of the entry, for messages. */
  entry: string
  /** The host address; undefined means every interface. */
  hostIp: string | undefined
  hostPort: string | undefined
  containerPort: string
}

/**
 * Parses the `ports` entries, in the short syntax `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`
 * or the long one.
 */
export function publishedPorts(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        entry: JSON.stringify(port),
        hostIp: port.host_ip,
        hostPort: port.published === undefined ? undefined : String(port.published),
        containerPort: String(port.target ?? ''),
      }
    }
    const entry = String(port)
    const withoutProtocol = entry.replace(/\/(tcp|udp)$/, '')
    // An IPv6 host address is in brackets, such as [::1]:3000:3000.
    const match = /^(?:(\[[^\]]+\]|[^:]+):)?(?:([^:]*):)?([^:]+)$/.exec(withoutProtocol)
    const [, first, second, containerPort = ''] = match ?? []
    const hostIp = second === undefined ? undefined : first
    const hostPort = second === undefined ? first : second
    return { entry, hostIp, hostPort, containerPort }
  })
}

/** Lists the services a service depends on, with the condition it waits for. */
export function dependenciesOf(service: ComposeService): { name: string; condition: string }[] {
  const { depends_on: dependsOn } = service
  if (Array.isArray(dependsOn)) {
    return dependsOn.map((name) => ({ name, condition: 'service_started' }))
  }
  return Object.entries(dependsOn ?? {}).map(([name, options]) => ({
    name,
    condition: options?.condition ?? 'service_started',
  }))
}

/** Where a service's image is built: the context folder, the Dockerfile and the target stage. */
export interface BuildSource {
  context: string
  dockerfile: string
  target: string | undefined
}

/** Resolves a service's `build` against the compose file's folder; undefined for a pulled image. */
export function buildOf(compose: ComposeFile, service: ComposeService): BuildSource | undefined {
  const { build } = service
  if (build === undefined) return undefined

  const options = typeof build === 'string' ? { context: build } : build
  const context = resolve(dirname(compose.path), options.context ?? '.')
  return {
    context,
    dockerfile: resolve(context, options.dockerfile ?? 'Dockerfile'),
    target: options.target,
  }
}

/** Finds the stage a service's image is built from, when its Dockerfile exists. */
export function imageStageOf(
  compose: ComposeFile,
  service: ComposeService,
): { file: Dockerfile; stage: Stage } | undefined {
  const build = buildOf(compose, service)
  if (!build || !existsSync(build.dockerfile)) return undefined

  const file = readDockerfile(build.dockerfile)
  const stage = build.target ? findStage(file.stages, build.target) : file.stages.at(-1)
  return stage ? { file, stage } : undefined
}

/**
 * Tells whether a service reports its health: with a compose `healthcheck` that is not disabled,
 * or with a HEALTHCHECK in the Dockerfile stage its image is built from.
 */
export function hasHealthcheck(compose: ComposeFile, name: string): boolean {
  const service = compose.services[name]
  if (!service) return false
  if (service.healthcheck) {
    return service.healthcheck.disable !== true && service.healthcheck.test !== undefined
  }

  const built = imageStageOf(compose, service)
  const healthcheck = built
    ? effectiveInstructions(built.stage)
        .filter((instruction) => instruction.keyword === 'HEALTHCHECK')
        .at(-1)
    : undefined
  return healthcheck !== undefined && !/^NONE$/i.test(healthcheck.arguments.trim())
}

/** Returns a container's command line: compose's `command`, else the image's CMD. */
export function commandOf(compose: ComposeFile, service: ComposeService): string[] | undefined {
  if (Array.isArray(service.command)) return service.command.map(String)
  if (typeof service.command === 'string') return service.command.split(/\s+/)

  const built = imageStageOf(compose, service)
  const cmd = built
    ? effectiveInstructions(built.stage)
        .filter((instruction) => instruction.keyword === 'CMD')
        .at(-1)
    : undefined
  return cmd ? execForm(cmd.arguments) : undefined
}

/** Lists the volumes a service mounts. An anonymous volume has an empty source. */
export function volumeMounts(
  service: ComposeService,
): { source: string; target: string; readOnly: boolean; entry: string }[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === 'object') {
      return {
        source: volume.source ?? '',
        target: volume.target ?? '',
        readOnly: volume.read_only === true,
        entry: JSON.stringify(volume),
      }
    }
    const parts = volume.split(':')
    if (parts.length === 1) {
      return { source: '', target: volume, readOnly: false, entry: volume }
    }
    const [source = '', target = '', mode] = parts
    return { source, target, readOnly: mode?.split(',').includes('ro') ?? false, entry: volume }
  })
}

/** Lists the ports the EXPOSE instructions of a service's image stage name, without protocol. */
export function effectiveExposedPorts(compose: ComposeFile, service: ComposeService): string[] {
  const built = imageStageOf(compose, service)
  if (!built) return []
  return effectiveInstructions(built.stage)
    .filter((instruction) => instruction.keyword === 'EXPOSE')
    .flatMap((instruction) => instruction.arguments.split(/\s+/))
    .map((port) => port.replace(/\/(tcp|udp)$/, ''))
}
