import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { BATCH_EVENTS_FUNCTION } from '../handlers/batch-events.js'
import { POST_CONFIRMATION_FUNCTION } from '../handlers/post-confirmation.js'
import { writeZip } from './zip-file.js'

/** The Lambda functions this package deploys, by name, with their source entry point. */
export const LAMBDA_FUNCTIONS = [
  { name: BATCH_EVENTS_FUNCTION, entry: 'src/handlers/batch-events.ts' },
  { name: POST_CONFIRMATION_FUNCTION, entry: 'src/handlers/post-confirmation.ts' },
] as const

/** File name of each bundle; the Lambda handler setting is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs'

/** Root of this package, from both `src/bundle` and `dist/bundle`. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * pino and a few AWS SDK dependencies are CommonJS and call `require` for Node's built-in
 * modules, which an ES module does not have. This line gives the bundle one.
 */
export const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"

export interface BundleOptions {
  /** Folder for `<name>/index.mjs` and `<name>.zip`. @default '<package>/dist-bundles' */
  outDir?: string
}

export interface BuiltBundle {
  name: string
  /** Path of the bundled module. */
  file: string
  /** Path of the zip that Terraform deploys. */
  zip: string
  zipBytes: number
}

/**
 * Bundles each handler with esbuild into one ES module for the Node.js 22 Lambda runtime, the
 * AWS SDK included so the deployed code runs the SDK version the tests ran, and zips it.
 */
export async function bundleFunctions(options: BundleOptions = {}): Promise<BuiltBundle[]> {
  const outDir = options.outDir ?? join(PACKAGE_ROOT, 'dist-bundles')
  const built: BuiltBundle[] = []

  for (const { name, entry } of LAMBDA_FUNCTIONS) {
    const directory = join(outDir, name)
    await rm(directory, { recursive: true, force: true })
    await mkdir(directory, { recursive: true })

    const file = join(directory, BUNDLE_FILE)
    await build({
      absWorkingDir: PACKAGE_ROOT,
      entryPoints: [join(PACKAGE_ROOT, entry)],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      banner: { js: REQUIRE_BANNER },
      minify: true,
      // Error classes set `name` from their class name, which logs and function errors show.
      keepNames: true,
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'warning',
    })

    const files = await readdir(directory)
    const entries = await Promise.all(
      files.map(async (fileName) => ({
        name: fileName,
        content: await readFile(join(directory, fileName)),
      })),
    )
    const zip = join(outDir, `${name}.zip`)
    await writeZip(zip, entries)
    built.push({ name, file, zip, zipBytes: (await stat(zip)).size })
  }
  return built
}
