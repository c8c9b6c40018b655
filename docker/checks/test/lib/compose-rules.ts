import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import {
  buildOf,
  type ComposeFile,
  dependenciesOf,
  hasHealthcheck,
  publishedPorts,
  volumeMounts,
} from './compose.js'

/** Reports ports published on other addresses than 127.0.0.1, where the network reaches them. */
export function checkPortsOnLoopback(compose: ComposeFile): string[] {
  const problems: string[] = []
  for (const [name, service] of Object.entries(compose.services)) {
    for (const port of publishedPorts(service)) {
      if (port.hostIp !== '127.0.0.1') {
        problems.push(
          `${name}: port ${port.entry} is published on ${port.hostIp ?? 'every interface'}; publish it as "127.0.0.1:${port.hostPort ?? port.containerPort}:${port.containerPort}"`,
        )
      }
    }
  }
  return problems
}

/**
 * Checks that every `depends_on` waits for a state that means the dependency works: healthy, for
 * a service that has a health check, or completed successfully, for a one-shot job.
 */
export function checkDependsOnHealth(compose: ComposeFile): string[] {
  const problems: string[] = []
  for (const [name, service] of Object.entries(compose.services)) {
    for (const dependency of dependenciesOf(service)) {
      const target = `${name}: depends_on ${dependency.name}`
      if (!compose.services[dependency.name]) {
        problems.push(`${target} names no service of this file`)
        continue
      }
      // A one-shot job's state is its exit status.
      if (dependency.condition === 'service_completed_successfully') continue

      if (dependency.condition !== 'service_healthy') {
        problems.push(
          `${target} waits only for ${dependency.condition}; use condition: service_healthy, or service_completed_successfully for a one-shot job`,
        )
      } else if (!hasHealthcheck(compose, dependency.name)) {
        problems.push(
          `${target} waits for service_healthy, but ${dependency.name} has no health check in compose.yaml or in its image`,
        )
      }
    }
  }
  return problems
}

/** Data lives in declared named volumes, not in folders of the host or anonymous volumes. */
export function checkNamedVolumes(compose: ComposeFile): string[] {
  const problems: string[] = []
  for (const [name, service] of Object.entries(compose.services)) {
    for (const mount of volumeMounts(service)) {
      if (mount.source === '') {
        problems.push(
          `${name}: volume ${mount.entry} is anonymous; name it and declare it under volumes`,
        )
      } else if (/^[./~]/.test(mount.source)) {
        problems.push(
          `${name}: volume ${mount.entry} mounts a host folder; keep data in a named volume declared under volumes`,
        )
      } else if (!Object.hasOwn(compose.volumes, mount.source)) {
        problems.push(`${name}: volume ${mount.source} is not declared under the top-level volumes`)
      }
    }
  }
  return problems
}

/**
 * Checks that every built image uses the repository root as its context, where the one
 * .dockerignore is, and a Dockerfile that exists.
 */
export function checkBuilds(compose: ComposeFile, repositoryRoot: string): string[] {
  const problems: string[] = []
  for (const [name, service] of Object.entries(compose.services)) {
    const build = buildOf(compose, service)
    if (!build) continue
    if (build.context !== repositoryRoot) {
      const context = relative(repositoryRoot, build.context) || '.'
      problems.push(
        `${name}: the build context is ${context}, not the repository root, whose .dockerignore applies`,
      )
    }
    if (!existsSync(build.dockerfile)) {
      problems.push(
        `${name}: the Dockerfile ${relative(repositoryRoot, build.dockerfile)} does not exist`,
      )
    }
  }
  return problems
}

/** Runs every structure rule above. */
export function checkComposeStructure(compose: ComposeFile, repositoryRoot: string): string[] {
  return [
    ...checkPortsOnLoopback(compose),
    ...checkDependsOnHealth(compose),
    ...checkNamedVolumes(compose),
    ...checkBuilds(compose, repositoryRoot),
  ]
}
