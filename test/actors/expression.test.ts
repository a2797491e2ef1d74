import { describe, expect, it } from 'vitest'
import { compileExpression, ExpressionError, ExpressionSyntaxError, matchToIf } from '../../actors/engine/expression'

const event = (data: Record<string, unknown>, name = 'shop/order.placed') => ({ name, data, id: '01K0', ts: 1_767_225_600_000 })

function syntaxErrorOf(source: string, field: string): ExpressionSyntaxError {
  try {
    compileExpression(source, field)
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toBeInstanceOf(ExpressionSyntaxError)
    return error as ExpressionSyntaxError
  }
  throw new Error(`expected ${JSON.stringify(source)} to be rejected`)
}

describe('compileExpression', () => {
  it('matches a trigger condition on event data', () => {
    const proOnly = compileExpression("event.data.plan == 'pro'", 'triggers[0].if')
    expect(proOnly.matches({ event: event({ plan: 'pro' }) })).toBe(true)
    expect(proOnly.matches({ event: event({ plan: 'free' }) })).toBe(false)
  })

  it('compares JSON numbers with int and double literals, whole or not', () => {
    const large = compileExpression('event.data.amount > 100', 'triggers[0].if')
    expect(large.matches({ event: event({ amount: 150 }) })).toBe(true)
    expect(large.matches({ event: event({ amount: 100.5 }) })).toBe(true)
    expect(large.matches({ event: event({ amount: 100 }) })).toBe(false)
    expect(large.matches({ event: event({ amount: 99.99 }) })).toBe(false)
    expect(compileExpression('event.data.amount >= 99.5', 'if').matches({ event: event({ amount: 100 }) })).toBe(true)
    expect(compileExpression('event.data.amount == 100', 'if').matches({ event: event({ amount: 100 }) })).toBe(true)
    expect(compileExpression('event.data.amount == 100.0', 'if').matches({ event: event({ amount: 100 }) })).toBe(true)
  })

  it('does arithmetic on JSON numbers whether they arrive whole or fractional', () => {
    const total = compileExpression('event.data.amount * 1.2 + 1', 'priority.run')
    expect(total.evaluate({ event: event({ amount: 10 }) })).toBeCloseTo(13)
    expect(total.evaluate({ event: event({ amount: 10.5 }) })).toBeCloseTo(13.6)
    expect(compileExpression('event.data.count % 3 == 1', 'if').matches({ event: event({ count: 7 }) })).toBe(true)
    expect(compileExpression('event.data.tags[event.data.index]', 'concurrency.key').evaluate({ event: event({ tags: ['a', 'b'], index: 1 }) })).toBe('b')
  })

  it('returns keys and priorities as plain JS values, CEL ints as numbers', () => {
    const priority = compileExpression("event.data.plan == 'enterprise' ? 120 : 0", 'priority.run')
    expect(priority.evaluate({ event: event({ plan: 'enterprise' }) })).toBe(120)
    expect(priority.evaluate({ event: event({ plan: 'free' }) })).toBe(0)
    expect(compileExpression('event.data.userId', 'concurrency.key').evaluate({ event: event({ userId: 'u_1' }) })).toBe('u_1')
    expect(compileExpression('[event.data.a, {"n": event.data.n}]', 'throttle.key').evaluate({ event: event({ a: 'x', n: 2 }) })).toEqual(['x', { n: 2 }])
  })

  it('matches a waitForEvent condition between the trigger and the incoming event', () => {
    const sameUser = compileExpression(matchToIf('data.userId'), 'if')
    expect(sameUser.matches({ event: event({ userId: 'u_1' }), async: event({ userId: 'u_1' }, 'app/user.done') })).toBe(true)
    expect(sameUser.matches({ event: event({ userId: 'u_1' }), async: event({ userId: 'u_2' }, 'app/user.done') })).toBe(false)
    const bigPayment = compileExpression('async.data.account == event.data.account && async.data.amount >= 100', 'if')
    const expected = event({ account: 'a_1' }, 'payment/expected')
    expect(bigPayment.matches({ event: expected, async: event({ account: 'a_1', amount: 150.5 }, 'payment/received') })).toBe(true)
    expect(bigPayment.matches({ event: expected, async: event({ account: 'a_1', amount: 50 }, 'payment/received') })).toBe(false)
    expect(bigPayment.matches({ event: expected, async: event({ account: 'a_2', amount: 500 }, 'payment/received') })).toBe(false)
  })

  it('supports the CEL standard library: size, has, macros, strings', () => {
    const vars = { event: event({ items: [{ sku: 'a' }, { sku: 'b' }], email: 'ann@example.com' }) }
    expect(compileExpression('size(event.data.items) == 2', 'if').matches(vars)).toBe(true)
    expect(compileExpression("event.data.items.exists(i, i.sku == 'b')", 'if').matches(vars)).toBe(true)
    expect(compileExpression('has(event.data.coupon)', 'if').matches(vars)).toBe(false)
    expect(compileExpression("event.data.email.endsWith('@example.com')", 'if').matches(vars)).toBe(true)
    expect(compileExpression("event.name.startsWith('shop/')", 'if').matches(vars)).toBe(true)
  })

  it('treats an evaluation error as no match instead of throwing', () => {
    const large = compileExpression('event.data.amount > 100', 'triggers[0].if')
    expect(large.matches({ event: event({}) })).toBe(false)
    expect(large.matches({ event: event({ amount: 'lots' }) })).toBe(false)
    expect(large.matches({})).toBe(false)
    expect(compileExpression('event.data.user.id == 1', 'if').matches({ event: event({ user: null }) })).toBe(false)
  })

  it('is only a match for boolean true, never for a truthy value', () => {
    const value = compileExpression('event.data.flag', 'triggers[0].if')
    expect(value.matches({ event: event({ flag: true }) })).toBe(true)
    expect(value.matches({ event: event({ flag: 1 }) })).toBe(false)
    expect(value.matches({ event: event({ flag: 'true' }) })).toBe(false)
  })

  it('throws an ExpressionError naming the field and source when evaluate fails', () => {
    const key = compileExpression('event.data.userId', 'concurrency.key')
    expect(() => key.evaluate({ event: event({}) })).toThrow(ExpressionError)
    expect(() => key.evaluate({ event: event({}) })).toThrow(/^concurrency\.key: "event\.data\.userId" failed: No such key: userId/)
  })

  it('evaluates the same event against many expressions without altering it', () => {
    const data = { amount: 150, nested: { list: [1, 2.5] } }
    const shared = event(data)
    expect(compileExpression('event.data.amount > 100', 'if').matches({ event: shared })).toBe(true)
    expect(compileExpression('event.data.nested.list[1] == 2.5', 'if').matches({ event: shared })).toBe(true)
    expect(shared.data).toEqual({ amount: 150, nested: { list: [1, 2.5] } })
  })

  it('reuses one parsed program for the same source', () => {
    const first = compileExpression("event.data.plan == 'pro'", 'triggers[0].if')
    const second = compileExpression("event.data.plan == 'pro'", 'cancelOn[0].if')
    expect(second.field).toBe('cancelOn[0].if')
    expect(second.matches({ event: event({ plan: 'pro' }) })).toBe(first.matches({ event: event({ plan: 'pro' }) }))
  })
})

describe('compileExpression rejects bad expressions', () => {
  it('names the field, the source, the parser problem and a boolean fix for a condition', () => {
    const error = syntaxErrorOf('event.data.plan ==', 'triggers[0].if')
    expect(error.name).toBe('TypeError')
    expect(error.field).toBe('triggers[0].if')
    expect(error.message).toBe(
      'triggers[0].if: "event.data.plan ==" is not a valid CEL expression (Unexpected token: EOF at column 19). ' +
        'Fix: write a CEL boolean over event (and async for waits and cancellations), such as "event.data.plan == \'pro\'".',
    )
  })

  it('suggests a value expression for a key field', () => {
    const error = syntaxErrorOf('event.data.', 'concurrency[0].key')
    expect(error.field).toBe('concurrency[0].key')
    expect(error.problem).toMatch(/^"event\.data\." is not a valid CEL expression \(/)
    expect(error.fix).toBe('write a CEL expression over event, such as "event.data.userId"')
  })

  it.each([
    ['a single = ', 'event.data.plan = "pro"', /Unexpected character: =/],
    ['an unterminated string', "event.data.plan == 'pro", /Unterminated string/],
    ['an unknown variable', 'evnt.data.plan == "pro"', /Unknown variable: evnt/],
    ['an unknown function', 'lower(event.data.plan) == "pro"', /no matching overload for 'lower/],
    ['mismatched literal types', '1 + "a"', /no such overload: int \+ string/],
    ['a non-boolean && operand', 'event.data.ok && 5', /Logical operator requires bool operands/],
  ])('rejects %s', (_case, source, problem) => {
    const error = syntaxErrorOf(source, 'triggers[0].if')
    expect(error.problem).toMatch(problem)
    expect(error.message).toContain(`triggers[0].if: ${JSON.stringify(source)} is not a valid CEL expression`)
  })

  it('rejects an empty expression', () => {
    expect(syntaxErrorOf('  ', 'throttle.key').message).toBe(
      'throttle.key: must be a non-empty CEL expression (got "  "). Fix: write a CEL expression over event, such as "event.data.userId".',
    )
  })
})

describe('matchToIf', () => {
  it('turns Inngest\'s match shorthand into an equality between event and async', () => {
    expect(matchToIf('data.userId')).toBe('event.data.userId == async.data.userId')
    expect(matchToIf(' data.order.id ')).toBe('event.data.order.id == async.data.order.id')
  })
})
