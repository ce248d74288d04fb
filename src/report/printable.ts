/**
 * Unicode's invisible and unprintable characters: controls (Cc: C0, DEL, C1), format
 * characters (Cf: bidirectional marks U+200E, U+200F and U+061C, embeddings, overrides and
 * isolates, zero-width space and joiners, word joiner, invisible operators, U+180E, the
 * byte-order mark, soft hyphen, tags), lone surrogates (Cs), and the line and paragraph
 * separators (Zl, Zp).
 */
export const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu

const LINE_BREAKS = new Set(['\n', '\u2028', '\u2029'])
/** `::` at the start, after nothing but white space and ignorable characters. */
const LINE_COMMAND = /^([\s\p{DI}]*:\p{DI}*):/u
/** `##[`, `##vso[`, `##teamcity[` anywhere: `##`, perhaps letters, then `[`. */
const TAG_COMMAND = /#(\p{DI}*)#(?=[\p{L}\p{DI}]*\[)/gu

/**
 * Makes untrusted text (test names, paths, what the store or the configuration holds) safe
 * to print on one line of a terminal or a CI log.
 *
 * - Every character of {@link UNPRINTABLE} is replaced: line breaks (`\n`, U+2028, U+2029)
 *   by `⏎`, the others by `�`. So the text cannot move the cursor, break a line, colour or
 *   retitle the terminal, hide characters, or reorder the text around it.
 * - Workflow commands of CI runners are broken with a look-alike, so no runner executes
 *   them. The GitHub Actions runner (`ActionCommand.TryParseV2`) takes a line as a command
 *   when it starts with `::` after leading white space, and (`TryParse`, the older form)
 *   when it contains `##[` anywhere; Azure Pipelines looks for `##vso[` and `##[` anywhere,
 *   TeamCity for `##teamcity[`. So a `::` at the start of the text, after nothing but white
 *   space, becomes `:∶` (U+2236 RATIO), and the second `#` of `##` followed by letters and
 *   `[` becomes `♯` (U+266F): `::error::x` prints as `:∶error::x`, `##[add-mask]` as
 *   `#♯[add-mask]`. The start counts because whatever the text is printed after may be
 *   white space at the start of a line. `Foo::bar` inside a name is left as it is: no
 *   runner reads a command there. Default-ignorable characters (variation selectors and
 *   the like, which the runner's culture-sensitive matching may skip) between the
 *   characters of a command do not hide it.
 *
 * Idempotent: printable(printable(x)) === printable(x).
 */
export function printable(text: string): string {
  return text
    .replace(UNPRINTABLE, (c) => (LINE_BREAKS.has(c) ? '⏎' : '�'))
    .replace(LINE_COMMAND, '$1∶')
    .replace(TAG_COMMAND, '#$1♯')
}

/**
 * {@link printable} for a block of lines, such as an error message that lists problems:
 * keeps its line breaks (`\n`, `\r\n`) and makes each line printable on its own, so no
 * line of it can start a workflow command either.
 */
export function printableLines(text: string): string {
  return text.split(/\r?\n/).map(printable).join('\n')
}
