/// <reference types="vite/client" />
/**
 * No import cycles among machines/, actors/ and src/: a cycle makes module evaluation order
 * depend on which file is loaded first (a class or constant read before it is defined).
 *
 * Only value imports count. `import type …` and `export type … from` are erased at build time and
 * load nothing, so a file may name a type of a file that imports it (a stub file naming its
 * actor class does). `import { type A } from …` is not erased under verbatimModuleSyntax (it
 * loads the module for its side effects), so it counts. Dynamic `import()` loads later, on call,
 * and does not count either.
 */
import { describe, expect, it } from 'vitest'

// Vite inlines every source file at build time, so the test reads them without file I/O.
const sources = import.meta.glob(['../machines/**/*.ts', '../actors/**/*.ts', '../src/**/*.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>

/** Comments removed (an `import` in a JSDoc example is no import), strings left as they are. */
const codeOf = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')

/** The relative specifiers `source` loads at runtime: static imports and re-exports, not type-only ones. */
export function valueImportsOf(source: string): string[] {
  const statements = codeOf(source).matchAll(/^\s*(import|export)(\s+type)?\s[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)
  return [...statements].filter((m) => m[4] !== undefined || m[2] === undefined).map((m) => (m[3] ?? m[4])!).filter((specifier) => specifier.startsWith('.'))
}

/** The glob key `specifier` names from the file `from` ('./x.js' → '../actors/x.ts'; a folder: its index.ts). */
function resolve(from: string, specifier: string): string | undefined {
  const parts = from.split('/').slice(0, -1)
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop()
    else if (part !== '.') parts.push(part)
  }
  const path = parts.join('/').replace(/\.js$/, '')
  return [`${path}.ts`, `${path}/index.ts`].find((candidate) => candidate in sources)
}

const graph = new Map(Object.entries(sources).map(([path, source]) => [path, [...new Set(valueImportsOf(source).map((specifier) => resolve(path, specifier)).filter((target) => target !== undefined))]]))

/** Each cycle once, as the files along it (a depth-first search; a back edge closes a cycle). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>()
  const done = new Set<string>()
  const path: string[] = []
  const onPath = new Set<string>()
  const visit = (file: string): void => {
    path.push(file)
    onPath.add(file)
    for (const next of edges.get(file) ?? []) {
      if (onPath.has(next)) {
        const cycle = path.slice(path.indexOf(next))
        // The same cycle found from another file: keyed by its files, sorted.
        found.set([...cycle].sort().join(' '), cycle)
      } else if (!done.has(next)) visit(next)
    }
    path.pop()
    onPath.delete(file)
    done.add(file)
  }
  for (const file of [...edges.keys()].sort()) if (!done.has(file)) visit(file)
  return [...found.values()]
}

describe('import cycles', () => {
  it('reads value imports, not type-only ones', () => {
    const source = [
      "import type { A } from './a.js'",
      "import { b, type B } from './b.js'",
      "export type { C } from './c.js'",
      "export { d } from './d.js'",
      "import './e.js'",
      "import {\n  f,\n} from './f.js'",
      "import { z } from 'zod'",
      "// import { g } from './g.js'",
    ].join('\n')
    expect(valueImportsOf(source)).toEqual(['./b.js', './d.js', './e.js', './f.js'])
  })

  it('finds a cycle when there is one', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ])
    expect(cycles(edges)).toEqual([['a', 'b', 'c']])
  })

  it('resolves the imports of the sources it checks', () => {
    expect(graph.get('../actors/run-actor.ts')).toContain('../actors/run-host.ts')
  })

  it('has no cycle of value imports among machines/, actors/ and src/', () => {
    expect(cycles(graph).map((cycle) => [...cycle, cycle[0]!].map((file) => file.slice(3)).join(' → '))).toEqual([])
  })
})
