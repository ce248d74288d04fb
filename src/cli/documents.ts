/**
 * A JSON or HTML report printed to standard output (`report --format json|html` without
 * `--out`) lands in a terminal or a CI log, where the runner reads every line for workflow
 * commands (see printable()). These rewrite what could be read as one, and the invisible
 * and bidirectional characters, with the format's own escapes: the document means exactly
 * the same once parsed, and its text is plain ASCII where the names were hostile.
 */

/** Characters a JSON string keeps raw that a terminal should not see; raw `\n` is JSON's own layout. */
const JSON_RAW = /[#\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu
/** The same in HTML text and attributes (the page's own layout and indentation kept). */
const HTML_RAW = /[^\P{Cc}\n]|[\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu
const LINE_COMMAND = /^([\s\p{DI}]*):(?=\p{DI}*:)/gmu
const TAG_COMMAND = /#(\p{DI}*)#(?=[\p{L}\p{DI}]*\[)/gu

const unicodeEscape = (c: string) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')
const charRef = (c: string) => `&#x${c.codePointAt(0)!.toString(16)};`

/**
 * JSON with `#` and every control, format and separator character inside strings written as
 * `\u` escapes (outside strings, valid JSON has neither, and its lines never start with `::`).
 */
export function jsonForTerminal(json: string): string {
  return json.replace(JSON_RAW, (c) => (c === '\n' ? c : unicodeEscape(c)))
}

/**
 * An HTML page with its text made safe for a terminal: character references for controls,
 * format and separator characters, for the second `#` of `##…[` and for a `:` that starts a
 * line with `::`; in the JSON data element, `\u` escapes. The page's own style and script
 * elements hold no names and are left as they are.
 */
export function htmlForTerminal(html: string): string {
  return html
    .split(/(<(?:script|style)\b[^>]*>[\s\S]*?<\/(?:script|style)>)/)
    .map((part, i) => {
      if (i % 2 === 1) return part.startsWith('<script type="application/json"') ? jsonForTerminal(part) : part
      return part.replace(HTML_RAW, charRef).replace(LINE_COMMAND, '$1&#58;').replace(TAG_COMMAND, '#$1&#35;')
    })
    .join('')
}
