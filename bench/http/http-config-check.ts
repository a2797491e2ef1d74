/**
 * bench/http/wrangler.toml is a copy of the root wrangler.toml (the README's configuration) plus
 * the floor's binding. Its queue consumer block decides the latency measured, so a copy that
 * drifted would measure a configuration no user runs: this fails the benchmark first, naming
 * the table that differs.
 */
import { readFileSync } from 'node:fs'
import { checkBenchConfig } from '../node/config-check.js'

/** Each table (`[header]` or `[[header]]` and its `key = value` lines, comments dropped), normalised to one string. */
function tables(path: string): string[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$|^#.*$/, '').trim())
    .filter(Boolean)
  const found: string[] = []
  for (const line of lines) {
    if (line.startsWith('[')) found.push(line)
    else if (found.length > 0) found[found.length - 1] += `\n${line.replace(/\s*=\s*/, ' = ')}`
  }
  return found
}

/** Throws unless every table of `root` but its migrations is in `copy` verbatim, and every name it declares. */
export function checkHttpConfig(root = 'wrangler.toml', copy = 'bench/http/wrangler.toml'): void {
  const copied = new Set(tables(copy))
  const drifted = tables(root).filter((table) => !table.startsWith('[[migrations]]') && !copied.has(table))
  if (drifted.length > 0) {
    throw new Error(`${copy} is out of step with ${root}; these tables differ:\n${drifted.join('\n\n')}\nFix: copy them into ${copy}.`)
  }
  checkBenchConfig(root, copy) // bindings and the migration's classes
}

/** The `[[queues.consumers]]` settings of `path` on one line, for the report. */
export function queueConsumerSettings(path = 'bench/http/wrangler.toml'): string {
  return tables(path)
    .filter((table) => table.startsWith('[[queues.consumers]]'))
    .map((table) => table.split('\n').slice(1).join(', '))
    .join('; ')
}
