/**
 * Bad input, found where it is written: a `TypeError` (so it reads like any bad argument) that
 * names the field, what is wrong and the fix. `field`, `problem` and `fix` let callers re-word it
 * (createFunction prefixes the function id). Its `name` stays 'TypeError' for code that checks
 * names after an RPC hop, where `instanceof` is lost.
 */
export class InputError extends TypeError {
  override readonly name = 'TypeError'

  constructor(
    readonly field: string,
    readonly problem: string,
    readonly fix: string,
    message = `${field}: ${problem}. Fix: ${fix}.`,
  ) {
    super(message)
  }
}
