import { readFileSync } from 'node:fs'

/** One line of a .dockerignore file. */
export interface IgnorePattern {
  text: string
  /** A line starting with `!` takes matching paths back into the context. */
  exception: boolean
  regexp: RegExp
}

/**
 * Converts a pattern to a regular expression with Docker's rules (Docker documentation,
 * ".dockerignore files"): patterns are anchored at the context root, `*` and `?` stay within one
 * path segment, and `**` matches any number of segments.
 */
function toRegExp(pattern: string): RegExp {
  let source = ''
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index] as string
    if (character === '*' && pattern[index + 1] === '*') {
      index++
      if (pattern[index + 1] === '/') {
        index++
        source += '(?:.*/)?'
      } else {
        source += '.*'
      }
    } else if (character === '*') {
      source += '[^/]*'
    } else if (character === '?') {
      source += '[^/]'
    } else {
      source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`)
}

/** Parses the lines of a .dockerignore file; blank lines and comments are skipped. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue

    const exception = line.startsWith('!')
    const path = (exception ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '')
    patterns.push({ text: line, exception, regexp: toRegExp(path) })
  }
  return patterns
}

export function readDockerignore(path: string): IgnorePattern[] {
  return parseDockerignore(readFileSync(path, 'utf8'))
}

/**
 * Tells whether a path, relative to the context root, stays out of the build context. As in
 * Docker, the last pattern that matches the path or one of its parent folders decides.
 */
export function isExcluded(patterns: readonly IgnorePattern[], path: string): boolean {
  const segments = path
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .split('/')
  const candidates = segments.map((_segment, index) => segments.slice(0, index + 1).join('/'))

  let excluded = false
  for (const pattern of patterns) {
    if (candidates.some((candidate) => pattern.regexp.test(candidate))) {
      excluded = !pattern.exception
    }
  }
  return excluded
}
