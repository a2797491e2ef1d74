/// <reference types="vite/client" />
/**
 * The import rules of the house style: machines/ is pure (xstate and siblings only), and
 * dependencies point inward: src → actors → machines, never back.
 */
import { describe, expect, it } from 'vitest'

// Vite inlines every source file at build time, so the test reads them without file I/O.
const sources = import.meta.glob(['../machines/**/*.ts', '../actors/**/*.ts', '../src/**/*.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>

function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!)
}

/** Code without comments: examples in JSDoc may use a clock, the code may not. */
const codeOf = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')

const filesIn = (folder: string) => Object.entries(sources).filter(([path]) => path.startsWith(`../${folder}/`))

describe('architecture', () => {
  it('finds the sources it checks', () => {
    expect(filesIn('machines').length).toBeGreaterThan(3)
    expect(filesIn('actors').length).toBeGreaterThan(10)
    expect(filesIn('src').length).toBeGreaterThan(10)
  })

  it('keeps machines/ pure: xstate and sibling files only, no clock or randomness', () => {
    for (const [path, source] of filesIn('machines')) {
      for (const specifier of importsOf(source)) expect(specifier === 'xstate' || specifier.startsWith('./'), `${path} imports ${specifier}`).toBe(true)
      expect(codeOf(source), path).not.toMatch(/Date\.now|new Date\(|Math\.random|setTimeout|fetch\(/)
    }
  })

  it('never imports src/ from actors/ or machines/', () => {
    for (const [path, source] of [...filesIn('actors'), ...filesIn('machines')]) {
      for (const specifier of importsOf(source)) expect(specifier, path).not.toMatch(/\/src\//)
    }
  })

  it('keeps actors/engine/ free of Durable Object APIs: it runs in any object', () => {
    expect(filesIn('actors/engine').length).toBeGreaterThan(10)
    for (const [path, source] of filesIn('actors/engine')) {
      expect(importsOf(source), path).not.toContain('cloudflare:workers')
      expect(codeOf(source), path).not.toMatch(/DurableObjectState|\.storage\.|blockConcurrencyWhile|setAlarm/)
    }
  })

  it('keeps files small (split before 500 lines)', () => {
    for (const [path, source] of Object.entries(sources)) expect(source.split('\n').length, path).toBeLessThan(500)
  })
})
