#!/usr/bin/env node
// @ts-check
// Health probe of the images' HEALTHCHECK instructions and of compose.yaml: sends one HTTP
// request inside the container and exits 0 on a 2xx response, 1 on any other response or on a
// failed request, and 2 on a usage error. Node's fetch does the request, so the images need no
// curl.
//
// Usage: node healthcheck.mjs URL [GET|POST]
//   URL is absolute, or a path that is resolved against http://127.0.0.1:$PORT.
//   POST sends `{}` as JSON, the smallest valid request of an AWS JSON API such as batch-local's.

/** Docker stops a probe after the HEALTHCHECK --timeout, which the images set to 3 s. */
const REQUEST_TIMEOUT_MS = 2500

const METHODS = ['GET', 'POST']

/**
 * Resolves the probe's URL from its argument and the PORT variable.
 *
 * @param {string | undefined} target - an absolute URL or a path
 * @param {NodeJS.ProcessEnv} env - the environment, which may set PORT
 * @returns {URL}
 * @throws {Error} when the argument is missing or PORT is needed but invalid
 */
function resolveUrl(target, env) {
  const port = env.PORT
  if (!target) {
    throw new Error('missing URL; usage: healthcheck.mjs URL [GET|POST]')
  }
  if (!target.startsWith('/')) {
    return new URL(target)
  }
  if (!port || !/^\d{1,5}$/.test(port)) {
    throw new Error(
      `PORT is ${port ? `invalid: ${JSON.stringify(port)}` : 'not set'}; give an absolute URL or set PORT`,
    )
  }
  return new URL(target, `http://127.0.0.1:${port}`)
}

async function main() {
  const [target, method = 'GET'] = process.argv.slice(2)
  let url
  try {
    url = resolveUrl(target, process.env)
    if (!METHODS.includes(method)) {
      throw new Error(`method ${JSON.stringify(method)} is invalid; use GET or POST`)
    }
  } catch (err) {
    process.stderr.write(`healthcheck: ${/** @type {Error} */ (err).message}\n`)
    return 2
  }

  try {
    const response = await fetch(url, {
      method,
      ...(method === 'POST' && { body: '{}', headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    await response.body?.cancel()
    if (response.ok) {
      return 0
    }
    process.stderr.write(`healthcheck: ${method} ${url} returned HTTP ${response.status}\n`)
    return 1
  } catch (err) {
    const reason = /** @type {Error} */ (err).cause ?? err
    process.stderr.write(
      `healthcheck: ${method} ${url} failed: ${/** @type {Error} */ (reason).message}\n`,
    )
    return 1
  }
}

process.exitCode = await main()
