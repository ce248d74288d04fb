/**
 * A small RFC 4180 CSV reader: comma-separated fields, fields in double quotes
 * may hold commas, line breaks and doubled quotes (`""`); records end with LF,
 * CRLF or CR. A leading byte order mark is ignored and blank lines are skipped.
 * Strict where leniency would hide a broken file: an unterminated quote or text
 * after a closing quote is an error.
 */

/** One record and the line it starts on (1-based). */
export interface CsvRecord {
  line: number
  fields: string[]
}

export class CsvError extends Error {
  override name = 'CsvError'
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`)
  }
}

const isBreak = (c: string | undefined) => c === '\n' || c === '\r'

/** Parses CSV text into records. @throws CsvError on malformed quoting. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  const n = text.length
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  let fields: string[] = []
  let recordLine = line
  while (i < n) {
    let field: string
    if (text[i] === '"') {
      const startLine = line
      const parts: string[] = []
      i++
      for (;;) {
        const close = text.indexOf('"', i)
        if (close < 0) throw new CsvError('unterminated quoted field', startLine)
        const part = text.slice(i, close)
        parts.push(part)
        line += countBreaks(part)
        if (text[close + 1] === '"') {
          parts.push('"')
          i = close + 2
          continue
        }
        i = close + 1
        break
      }
      field = parts.join('')
      if (i < n && text[i] !== ',' && !isBreak(text[i])) {
        throw new CsvError(`unexpected ${JSON.stringify(text[i])} after a quoted field`, line)
      }
    } else {
      const start = i
      while (i < n && text[i] !== ',' && !isBreak(text[i])) i++
      field = text.slice(start, i)
    }
    fields.push(field)
    if (text[i] === ',') {
      i++
      // A trailing comma at the very end still ends with an empty field.
      if (i >= n) fields.push('')
      else continue
    } else if (i < n) {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1
      line++
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields })
    fields = []
    recordLine = line
  }
  return records
}

/** Line breaks in text (CRLF counts once). */
function countBreaks(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) count++
  }
  return count
}
