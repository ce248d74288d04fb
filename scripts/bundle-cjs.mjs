// Bundles the CommonJS entries Jest loads in its default (CommonJS) mode.
// tinybench is ESM-only, so it is bundled in rather than required.
import { build } from 'esbuild'

await build({
  entryPoints: {
    'jest/index': 'src/jest/index.ts',
    'jest/root': 'src/jest/cjs.ts',
  },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // CommonJS-compatible dependencies stay external; only ESM-only tinybench is bundled.
  external: ['jiti', 'yaml', 'pidusage', 'proper-lockfile', 'picocolors', 'simple-statistics', 'valibot'],
  logLevel: 'warning',
  // The ESM sources use import.meta.url only where `require` is missing; give the bundle a real one anyway.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
})
