import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'

const SRC = path.resolve(import.meta.dirname, '../../src')

interface Import {
  /** As written: './verdict.js', 'simple-statistics', 'node:fs'. */
  spec: string
  /** Relative imports: the file, relative to src/ ('detect/verdict.ts'). */
  file?: string
  /** False for `import type`, `export type` and imports whose every name is `type`. */
  value: boolean
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : []
  })
}

/** Every import of a file, static and dynamic, and every `export … from`. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const found: { spec: string; value: boolean }[] = []
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      const named = clause?.namedBindings
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)))
      found.push({ spec: node.moduleSpecifier.text, value: !typeOnly })
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause
      const typeOnly = node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly))
      found.push({ spec: node.moduleSpecifier.text, value: !typeOnly })
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments
      found.push({ spec: arg && ts.isStringLiteral(arg) ? arg.text : '<computed>', value: true })
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, value: false })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found.map(({ spec, value }) => {
    if (!spec.startsWith('.')) return { spec, value }
    const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'))
    return { spec, value, file: path.relative(SRC, target).split(path.sep).join('/') }
  })
}

const files = sourceFiles(SRC)
const graph = new Map(files.map((f) => [path.relative(SRC, f).split(path.sep).join('/'), importsOf(f)]))

/** Groups of files that import each other, directly or not (strongly connected components of more than one file). */
function cycles(graph: ReadonlyMap<string, readonly Import[]>, edges: (i: Import) => boolean): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  const connect = (v: string) => {
    index.set(v, index.size)
    low.set(v, index.get(v)!)
    stack.push(v)
    onStack.add(v)
    for (const i of graph.get(v) ?? []) {
      if (i.file === undefined || !edges(i)) continue
      const w = i.file
      if (!index.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        group.push(w)
      } while (w !== v)
      const selfImport = (graph.get(v) ?? []).some((i) => i.file === v && edges(i))
      if (group.length > 1 || selfImport) out.push(group.sort())
    }
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v)
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!))
}

describe('architecture', () => {
  test('the import graph was read: every relative import names a file of src/', () => {
    expect(graph.size).toBeGreaterThan(50)
    expect(graph.get('detect/classify.ts')?.some((i) => i.file === 'detect/verdict.ts' && i.value)).toBe(true)
    expect(graph.get('detect/verdict.ts')?.some((i) => i.file === 'config/options.ts' && !i.value)).toBe(true)
    for (const [file, imports] of graph) {
      for (const i of imports) if (i.file !== undefined) expect(existsSync(path.join(SRC, i.file)), `${file} imports ${i.spec}`).toBe(true)
    }
  })

  test('detect/ and stats/ are pure: values only from each other, util/format.ts and simple-statistics, nothing from node:', () => {
    const pure = (file: string) => file.startsWith('detect/') || file.startsWith('stats/')
    const allowed = (i: Import) =>
      i.file !== undefined ? pure(i.file) || i.file === 'util/format.ts' : i.spec === 'simple-statistics'
    const offending: string[] = []
    for (const [file, imports] of graph) {
      if (!pure(file)) continue
      for (const i of imports) {
        if (i.spec.startsWith('node:')) offending.push(`${file}: ${i.spec} (node: module)`)
        else if (i.value && !allowed(i)) offending.push(`${file}: ${i.spec} (value import)`)
      }
    }
    expect(offending).toEqual([])
  })

  test('cycles are found, type imports counted or not', () => {
    const edge = (file: string, value = true): Import => ({ spec: `./${file}`, file, value })
    const sample = new Map<string, Import[]>([
      ['a.ts', [edge('b.ts')]],
      ['b.ts', [edge('c.ts'), edge('x.ts')]],
      ['c.ts', [edge('a.ts', false)]],
      ['d.ts', [edge('d.ts')]],
      ['x.ts', []],
    ])
    expect(cycles(sample, () => true)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']])
    expect(cycles(sample, (i) => i.value)).toEqual([['d.ts']])
  })

  test('report/ renders a model: nothing from core/, store/, env/ or node:, values only from report/, util/format.ts, util/pattern.ts, picocolors and, for the model, detect/identity.ts and detect/verdict.ts', () => {
    const offending: string[] = []
    for (const [file, imports] of graph) {
      if (!file.startsWith('report/')) continue
      for (const i of imports) {
        const layer = i.file?.split('/')[0]
        if (i.spec.startsWith('node:')) offending.push(`${file}: ${i.spec} (node: module)`)
        else if (layer === 'core' || layer === 'store' || layer === 'env') offending.push(`${file}: ${i.spec} (${layer}/, even as a type)`)
        else if (!i.value) continue
        else if (i.file === undefined ? i.spec !== 'picocolors' : !(i.file.startsWith('report/') || i.file === 'util/format.ts' || i.file === 'util/pattern.ts' || (file === 'report/model.ts' && (i.file === 'detect/identity.ts' || i.file === 'detect/verdict.ts')))) {
          offending.push(`${file}: ${i.spec} (value import)`)
        }
      }
    }
    expect(offending).toEqual([])
  })

  test('the failure policy is read, not decided, by the renderers: only report/model.ts takes fails, findingFails or failureReasons', () => {
    const policy = /\b(fails|findingFails|failureReasons|failingVerdicts)\(/
    const renderers = [...graph.keys()].filter((f) => f.startsWith('report/') && f !== 'report/model.ts')
    expect(renderers.length).toBeGreaterThan(5)
    for (const file of renderers) expect(readFileSync(path.join(SRC, file), 'utf8'), file).not.toMatch(policy)
  })

  test('baselines are picked in one place: store/ and cli/ take only identity.ts, baseline.ts and compare.ts of detect/ (and the detector itself)', () => {
    const offending: string[] = []
    for (const [file, imports] of graph) {
      if (!file.startsWith('store/') && !file.startsWith('cli/')) continue
      for (const i of imports) {
        if (!i.value || !i.file?.startsWith('detect/')) continue
        const allowed = ['detect/identity.ts', 'detect/baseline.ts', 'detect/compare.ts', ...(file.startsWith('cli/') ? ['detect/detect.ts'] : [])]
        if (!allowed.includes(i.file)) offending.push(`${file}: ${i.spec}`)
      }
    }
    expect(offending).toEqual([])
    expect(graph.get('store/maintenance.ts')?.some((i) => i.file === 'detect/baseline.ts' && i.value)).toBe(true)
  })

  test('no import cycles in src/, counting type imports', () => {
    expect(cycles(graph, () => true)).toEqual([])
  })

  test('no file of src/ is over 350 lines (the aim is about 300)', () => {
    const long = [...graph.keys()].map((f) => [f, readFileSync(path.join(SRC, f), 'utf8').split('\n').length] as const).filter(([, n]) => n > 350)
    expect(long).toEqual([])
  })
})
