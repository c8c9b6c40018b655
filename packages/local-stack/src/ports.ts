import { createServer } from 'node:net'

/** A port the local stack needs is taken by another process. */
export class PortInUseError extends Error {
  constructor(
    readonly component: string,
    readonly port: number,
    readonly variable: string,
  ) {
    super(
      `port ${port} for ${component} is already in use on 127.0.0.1; stop the process that holds it (\`lsof -i :${port}\`) or choose another port with ${variable}=<port>`,
    )
    this.name = 'PortInUseError'
  }
}

/** Checks that a port is free on 127.0.0.1 by binding it briefly. */
export function assertPortFree(component: string, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(component, port, variable) : err)
    })
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()))
  })
}
