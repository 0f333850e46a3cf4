import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

// The folder rules of docs/architecture.md ("The rules") that an import graph can show: no
// import circle anywhere in src/, the SCIM core free of Fastify and kysely, and src/meta reached
// only through its index.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const src = join(root, 'src')

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : []
  })
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g

/** Every import specifier of a file (static imports and re-exports, type-only included). */
function specifiers (text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '')
}

function resolveLocal (from: string, spec: string, known: Set<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined
  const base = resolve(dirname(from), spec).replace(/\.js$/, '')
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((c) => known.has(c))
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function importCircles (graph: Map<string, string[]>): string[][] {
  let index = 0
  const indexOf = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const circles: string[][] = []
  const visit = (v: string): void => {
    indexOf.set(v, index); low.set(v, index); index++
    stack.push(v); onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) { visit(w); low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0)) } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, indexOf.get(w) ?? 0))
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = []
      let w: string | undefined
      do { w = stack.pop(); if (w !== undefined) { onStack.delete(w); component.push(w) } } while (w !== undefined && w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v)
  return circles
}

const files = sourceFiles(src)
const known = new Set(files)
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]))
const graph = new Map(files.map((f) => [f, specifiers(texts.get(f) ?? '').flatMap((s) => resolveLocal(f, s, known) ?? [])]))
const rel = (f: string): string => relative(root, f)

t.test('the cycle finder finds a planted circle and nothing in a line', async (t) => {
  t.same(importCircles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']])
  t.same(importCircles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), [])
  t.same(importCircles(new Map([['a', ['a']]])), [['a']])
})

t.test('no import circle in src/', async (t) => {
  t.ok(files.length > 100, `read ${files.length} source files`)
  t.same(importCircles(graph).map((c) => c.map(rel)), [])
})

t.test('the SCIM core imports neither Fastify nor kysely', async (t) => {
  const offenders = files.filter((f) => rel(f).startsWith('src/scim/'))
    .flatMap((f) => specifiers(texts.get(f) ?? '').filter((s) => /^(fastify|@fastify\/|kysely)/.test(s)).map((s) => `${rel(f)}: ${s}`))
  t.same(offenders, [])
})

t.test('outside src/meta, the Graph client is reached only through src/meta/index.ts', async (t) => {
  const meta = join(src, 'meta')
  const offenders = files.filter((f) => !f.startsWith(meta + '/'))
    .flatMap((f) => (graph.get(f) ?? []).filter((d) => d.startsWith(meta + '/') && d !== join(meta, 'index.ts'))
      .map((d) => `${rel(f)} → ${rel(d)}`))
  t.same(offenders, [])
})
