/**
 * How CI runners recognise a workflow command in a line of output, for tests that check
 * nothing printed is one. Modelled on the GitHub Actions runner (`ActionCommand.TryParseV2`:
 * the line, trimmed at the start, begins with `::` and has a second `::`; `TryParse`: `##[`
 * anywhere), Azure Pipelines (`##vso[` anywhere) and TeamCity (`##teamcity[`). Default-ignorable
 * characters are dropped first, as the runner's culture-sensitive string search may skip them.
 * Stricter than the runners: any command name counts, registered or not.
 */
export function readsAsCommand(line: string): boolean {
  const s = line.replace(/\p{DI}/gu, '').replace(/^[\s\u0085]+/u, '')
  if (s.startsWith('::') && s.indexOf('::', 2) >= 0) return true
  return /##\p{L}*\[/iu.test(s)
}

/** Our own annotation: `::error` or `::warning`, properties without a raw `:`, then the message. */
export const ANNOTATION = /^::(error|warning) ([^:\r\n]*)::(.*)$/

/** Lines as a runner splits them: at LF, CR and CRLF. */
export const runnerLines = (text: string): string[] => text.split(/\r\n|\r|\n/)

/** Workflow-command fragments and invisible characters, to build hostile strings from. */
export const COMMANDS = [
  '::error::injected error',
  '::warning file=x.ts,line=1::injected warning',
  '::add-mask::secret',
  '::set-output name=x::y',
  '::stop-commands::tok',
  '  ::group::indented',
  '\u00a0::notice::after a no-break space',
  '\ufe0f::error::after a variation selector',
  ':\ufe0f:error::between the colons',
  'x ##[stop-commands]tok',
  '##[add-mask]secret',
  '##[set-output name=x;]y',
  '#\ufe0f#[error]between the hashes',
  '##vso[task.setvariable variable=x]y',
  '##VSO[task.complete result=Failed;]',
  "##teamcity[buildStatus text='x']",
] as const
