import { createServer } from 'node:net'

/**
 * Asks the kernel for a free port on 127.0.0.1. Another process could take it before the
 * caller binds it, so callers that start servers retry on EADDRINUSE.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('could not read the port of a probe server'))
      })
    })
  })
}
