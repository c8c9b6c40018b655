import { createServer } from 'node:net'

/**
 * Asks the kernel for a free port on 127.0.0.1. Another process could take it before the test
 * uses it; the ports come from the kernel's ephemeral range, so that is rare.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
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
