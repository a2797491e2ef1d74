/**
 * How deeply a JSON value nests, measured without recursion: a value nested thousands of levels
 * deep overflows every recursive walker after it (`JSON.stringify`, structured clone, the
 * expression evaluator), so it is measured with an explicit stack before any of them sees it.
 */

/** Why a value cannot be accepted: nested deeper than the limit, or (from user code) a cycle. */
export type NestingProblem = { readonly kind: 'too-deep' } | { readonly kind: 'circular' }

type Entry = { readonly value: object; readonly depth: number } | { readonly leave: object }

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null

/**
 * The first nesting problem of `value`, or undefined. Depth counts objects and arrays: `{}` is 1
 * deep, `{ "a": [] }` 2. Stops as soon as a level past `maxDepth` is reached, so its cost is
 * bounded by the value's size. A value shared by two branches is no cycle; one that contains
 * itself is.
 */
export function nestingProblem(value: unknown, maxDepth: number): NestingProblem | undefined {
  if (!isContainer(value)) return undefined
  const onPath = new Set<object>()
  const stack: Entry[] = [{ value, depth: 1 }]
  while (stack.length > 0) {
    const entry = stack.pop()!
    if ('leave' in entry) {
      onPath.delete(entry.leave)
      continue
    }
    if (onPath.has(entry.value)) return { kind: 'circular' }
    if (entry.depth > maxDepth) return { kind: 'too-deep' }
    onPath.add(entry.value)
    // Below its children: the container leaves the path once they are all walked.
    stack.push({ leave: entry.value })
    for (const child of Object.values(entry.value)) {
      if (isContainer(child)) stack.push({ value: child, depth: entry.depth + 1 })
    }
  }
  return undefined
}
