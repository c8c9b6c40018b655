import { relative } from 'node:path'
import { bundleFunctions, PACKAGE_ROOT } from './bundle-functions.js'

/** Builds every Lambda bundle and zip under dist-bundles, for `npm run bundle` and the build. */
const built = await bundleFunctions()
for (const bundle of built) {
  const size = (bundle.zipBytes / 1024).toFixed(0)
  process.stdout.write(`${relative(PACKAGE_ROOT, bundle.zip)} (${size} KiB)\n`)
}
