// The browser build of the client library (docs: README "Web client").
//
// One source tree serves Node and the browser. A module whose browser version
// must differ (the crypto backend, the store's disk bits, the libp2p host's
// transports, file input/output) has a twin beside it: `x.browser.ts` exports
// the same names as `x.ts`. tsc builds the Node version; this esbuild build
// resolves every relative import of `x.js` to `x.browser.ts` when that twin
// exists, so the choice is made at build time and no runtime check is needed.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** esbuild plugin: `./x.js` imported from our own .ts sources resolves to `./x.browser.ts` if it exists */
export const browserTwins = {
  name: 'relaymesh-browser-twins',
  setup (build) {
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (args.importer.includes('node_modules') || !args.importer.endsWith('.ts')) return undefined
      const twin = join(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts'))
      return existsSync(twin) ? { path: twin } : undefined
    })
  }
}

/**
 * Bundle one browser entry point (an ES module) with everything it imports.
 * Node's Buffer is provided by the `buffer` package (scripts/web/inject-buffer.js);
 * no node: module may reach the bundle (esbuild fails the build if one does).
 */
export async function bundleForBrowser ({ entry, outfile, minify = true, metafile = false }) {
  return await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    minify,
    sourcemap: true,
    metafile,
    legalComments: 'linked',
    inject: [join(root, 'scripts', 'web', 'inject-buffer.js')],
    // abstract-level (the store, through `level`) needs Node's EventEmitter
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
    plugins: [browserTwins],
    logLevel: 'warning'
  })
}
