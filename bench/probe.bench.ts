import { it } from 'vitest'
import { floor, ours } from './contenders.js'
it('probe', async () => {
  for (const steps of [0, 1, 10, 100, 1000]) {
    const o: number[] = [], f: number[] = []
    for (let r = 0; r < 8; r++) { o.push(await ours.time(steps)); f.push(await floor.time(steps)) }
    console.log(steps, 'ours', o.join(' '), '| floor', f.join(' '))
  }
  console.log('counts ours 0', await ours.count(0), '100', await ours.count(100))
  console.log('counts floor 0', await floor.count(0), '100', await floor.count(100))
}, 120_000)
