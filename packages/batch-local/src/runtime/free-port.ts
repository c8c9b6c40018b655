import { createServer } from 'node:net'

/**
 * Returns a TCP port that was free on `host` a moment ago. Another process can still take it
 * before the job binds it, but the window is short because the node starts right away.
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : undefined
      server.close(() => {
        if (port === undefined) {
          reject(new Error(`Could not read the port of a test listener on ${host}.`))
          return
        }
        resolve(port)
      })
    })
  })
}
