import { StringDecoder } from 'node:string_decoder'

/**
 * Splits a byte stream into lines, as the awslogs driver does for container output. A
 * multi-byte character split across chunks is decoded whole. `\r\n` endings lose their `\r`.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8')
  private pending = ''

  push(chunk: Buffer): string[] {
    this.pending += this.decoder.write(chunk)
    const lines = this.pending.split('\n')
    this.pending = lines.pop() ?? ''
    return lines.map(stripCarriageReturn)
  }

  /** Returns the last line when the output did not end with a newline. */
  flush(): string[] {
    const rest = this.pending + this.decoder.end()
    this.pending = ''
    return rest === '' ? [] : [stripCarriageReturn(rest)]
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}
