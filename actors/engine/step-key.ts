/**
 * Step identity, defined once: a step's key is its id, and repeats of the same id within one
 * execution get `:1`, `:2` … as Inngest hashes them. Memo rows are keyed by this, never by call
 * position, so an added `if` cannot shift later steps onto the wrong row.
 */
export class StepKeys {
  private readonly seen = new Map<string, number>()

  /** The key of the next call of step `id` in this execution. */
  next(id: string): string {
    const count = this.seen.get(id) ?? 0
    this.seen.set(id, count + 1)
    return count === 0 ? id : `${id}:${count}`
  }

  /** The key the next call of step `id` would get, without counting it. */
  peek(id: string): string {
    const count = this.seen.get(id) ?? 0
    return count === 0 ? id : `${id}:${count}`
  }
}
