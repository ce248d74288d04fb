import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { TestProject } from 'vitest/node'

const repo = path.resolve(import.meta.dirname, '../..')
export const WORK = path.join(repo, 'test/e2e/.work')
const NODE22_PREFIX = path.join(repo, '.cache/node22')
export const NODE22 = path.join(NODE22_PREFIX, 'node_modules/node/bin/node')

declare module 'vitest' {
  interface ProvidedContext {
    tarball: string
    node22: string
  }
}

/** Packs the package the way it is published, and makes sure a Node 22 is at hand for Vitest 5. */
export default function setup(project: TestProject): void {
  rmSync(WORK, { recursive: true, force: true })
  mkdirSync(WORK, { recursive: true })
  if (!existsSync(path.join(repo, 'dist/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests (npm test does)')
  }
  execFileSync('npm', ['pack', '--silent', '--pack-destination', WORK], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] })
  const tarball = readdirSync(WORK).find((f) => f.endsWith('.tgz'))
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${WORK}`)
  if (!existsSync(NODE22)) {
    mkdirSync(NODE22_PREFIX, { recursive: true })
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', NODE22_PREFIX, 'node@22'], {
      cwd: NODE22_PREFIX,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
  }
  const version = execFileSync(NODE22, ['--version'], { encoding: 'utf8' }).trim()
  if (!/^v22\.(1[2-9]|[2-9]\d)\./.test(version)) throw new Error(`Vitest 5 needs Node >= 22.12; ${NODE22} is ${version}`)
  project.provide('tarball', path.join(WORK, tarball))
  project.provide('node22', NODE22)
}
