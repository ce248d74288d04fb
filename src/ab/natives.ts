import v8 from 'node:v8'
import type { PairedDeps } from './paired.js'

type Natives = Required<Pick<PairedDeps, 'optimize' | 'status'>>

let natives: Natives | null | undefined

const startedWithNatives = (): boolean =>
  [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a === '--allow-natives-syntax' || a === '--allow_natives_syntax')

/**
 * V8's optimizer controls (`%OptimizeFunctionOnNextCall`, `%GetOptimizationStatus`), without
 * asking the user for `--allow-natives-syntax`. Only A/B runs call this. The flag stays on for
 * the rest of the process: V8 compiles function bodies lazily and may flush and recompile
 * them later, which fails once the flag is off. It changes nothing for valid JavaScript
 * (a `%` call is a syntax error without it). Undefined when this V8 refuses the helpers.
 */
export function v8Natives(): Natives | undefined {
  if (natives !== undefined) return natives ?? undefined
  if (!startedWithNatives()) v8.setFlagsFromString('--allow-natives-syntax')
  try {
    const prepare = new Function('f', '%PrepareFunctionForOptimization(f)') as (f: unknown) => void
    const next = new Function('f', '%OptimizeFunctionOnNextCall(f)') as (f: unknown) => void
    const status = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number
    natives = {
      optimize: async (fn, async) => {
        prepare(fn)
        if (async) await fn()
        else fn()
        next(fn)
        if (async) await fn()
        else fn()
      },
      status: (fn) => status(fn),
    }
    // A probe: a V8 without these runtime functions throws here, and pairs run unoptimized.
    natives.status(() => 0)
    // Compile all three now (new Function bodies are compiled on first call).
    const probe = () => 0
    prepare(probe)
    next(probe)
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof TypeError || error instanceof ReferenceError)) throw error
    natives = null
  }
  return natives ?? undefined
}
