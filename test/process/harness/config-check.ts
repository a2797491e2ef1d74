/**
 * The crash test's wrangler.toml must bind what /wrangler.toml binds and consume the queue with
 * the same settings (batch size and timeout, retries, dead-letter queue): a crash test of other
 * queue settings would prove nothing about the ones users run. Compared block by block.
 */
import { readFileSync } from 'node:fs'

/** The tables compared; everything else (name, main, vars, comments) may differ. */
const COMPARED = ['[[durable_objects.bindings]]', '[[migrations]]', '[[queues.producers]]', '[[queues.consumers]]']

/** Each compared block as `header key=value …`, keys sorted, comments dropped. */
function blocksOf(path: string): string[] {
  const blocks: string[] = []
  let header: string | undefined
  let entries: string[] = []
  const flush = () => {
    if (header && COMPARED.includes(header)) blocks.push(`${header} ${entries.sort().join(' ')}`)
  }
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim()
    if (trimmed.startsWith('[')) {
      flush()
      header = trimmed.replace(/\s*#.*$/, '')
      entries = []
      continue
    }
    const entry = /^([\w.]+)\s*=\s*(.*?)\s*(#.*)?$/.exec(trimmed)
    if (entry) entries.push(`${entry[1]}=${entry[2]!.replace(/\s+/g, '')}`)
  }
  flush()
  return blocks.sort()
}

/** What `test` lacks of `root` and has beyond it, as messages with the fix; empty when in step. */
export function configDrift(root: string, test: string): string[] {
  const [rootBlocks, testBlocks] = [blocksOf(root), blocksOf(test)]
  return [
    ...rootBlocks.filter((block) => !testBlocks.includes(block)).map((block) => `${test} lacks ${block} (from ${root}). Fix: copy the block from ${root}.`),
    ...testBlocks.filter((block) => !rootBlocks.includes(block)).map((block) => `${test} has ${block}, which ${root} does not. Fix: make the block match ${root}.`),
  ]
}
