import type { TextOutput } from '../util/output.js'

export type { TextOutput }

/** What the `perf-regression` command runs in. */
export interface CliContext {
  cwd: string
  env: NodeJS.ProcessEnv
  /** Where results and help go. @default process.stdout */
  stdout?: TextOutput
  /** Where errors, warnings and notes go. @default process.stderr */
  stderr?: TextOutput
}

/** The context the commands take: both outputs filled in. */
export interface CommandContext extends CliContext {
  stdout: TextOutput
  stderr: TextOutput
}

/** `ctx` with the process's own streams where it names none (the same `env` object, not a copy). */
export function commandContext(ctx: CliContext): CommandContext {
  return { ...ctx, stdout: ctx.stdout ?? process.stdout, stderr: ctx.stderr ?? process.stderr }
}
