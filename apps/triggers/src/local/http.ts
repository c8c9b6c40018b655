import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { PortInUseError } from '../errors.js'

/** Thrown by `readBody` when a request body is larger than the limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body is larger than ${limitBytes} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/**
 * Reads a request body, stopping at `limitBytes`. The rest of an oversized body is drained, not
 * buffered, so the server can still send its error response on the same connection.
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false

    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limitBytes) {
        tooLarge = true
        chunks.length = 0
        return
      }
      if (!tooLarge) chunks.push(chunk)
    })
    request.on('end', () => {
      if (tooLarge) reject(new BodyTooLargeError(limitBytes))
      else resolve(Buffer.concat(chunks))
    })
    request.on('error', reject)
  })
}

export function sendJson(
  response: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

/**
 * Starts listening and returns the bound address. Another process on the port becomes a
 * PortInUseError that names the server, host and port.
 */
export function listen(
  server: Server,
  port: number,
  host: string,
  name: string,
): Promise<{ host: string; port: number; endpoint: string }> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port, name, { cause: err }) : err)
    }
    const onListening = () => {
      server.off('error', onError)
      const address = server.address()
      if (address === null || typeof address === 'string') {
        reject(new Error(`the ${name} has no TCP address after listening`))
        return
      }
      const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
      resolve({
        host: address.address,
        port: address.port,
        endpoint: `http://${urlHost}:${address.port}`,
      })
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/** Stops accepting connections, then closes the open ones, idle or not. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
