/** `text` with every regular-expression character escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * A `--testNamePattern` that selects exactly the given tests (stored names, `describe > test`).
 * Runners join suite and test names differently (Jest and Vitest 4 with spaces, Vitest 5 with
 * ` > `), so either is matched. A test whose full name ends like a selected one is matched too;
 * callers leave such tests out of what they read back.
 */
export function testNamePattern(names: readonly string[]): string {
  const one = (n: string) => n.split(' > ').map(escapeRegExp).join('(?: | > )')
  return `(?:^| )(?:${[...new Set(names)].map(one).join('|')})$`
}
