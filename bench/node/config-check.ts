/**
 * The bench worker runs the test worker inside it, so bench/wrangler.toml must bind everything
 * test/wrangler.toml binds. Run from the Node side before the benchmark starts: a binding the
 * engine gained in test/wrangler.toml but the bench lacks fails here, by name, instead of as
 * runs that never complete.
 */
import { readFileSync } from 'node:fs'

/** Binding names, class names, queue names and SQLite classes a wrangler.toml declares. */
function declared(path: string): Set<string> {
  const text = readFileSync(path, 'utf8')
  const names = new Set<string>()
  // Everything after the first table header: the worker's own `name` comes before it.
  const body = text.slice(text.search(/^\[/m))
  for (const match of body.matchAll(/^\s*(name|binding|class_name|queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm)) names.add(match[2]!)
  for (const match of body.matchAll(/new_sqlite_classes\s*=\s*\[([^\]]*)\]/g)) {
    for (const item of match[1]!.matchAll(/"([^"]+)"/g)) names.add(item[1]!)
  }
  return names
}

/** Throws if `bench` lacks a name `test` declares. */
export function checkBenchConfig(test = 'test/wrangler.toml', bench = 'bench/wrangler.toml'): void {
  const benchNames = declared(bench)
  const missing = [...declared(test)].filter((name) => !benchNames.has(name))
  if (missing.length > 0) {
    throw new Error(`${bench} lacks what ${test} declares: ${missing.join(', ')}. Fix: copy those bindings (and their migration classes) into ${bench}.`)
  }
}
