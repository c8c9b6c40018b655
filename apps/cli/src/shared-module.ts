/**
 * Loads @trainplane/shared on first use. Its import pulls in TypeBox and the AWS SDK clients
 * and took about 0.6 s on a 2-core machine with Node.js 20, so commands that only list or show
 * data never load it.
 */
export function loadShared(): Promise<typeof import('@trainplane/shared')> {
  return import('@trainplane/shared')
}
