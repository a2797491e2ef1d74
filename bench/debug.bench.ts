import { it } from 'vitest'
import { floor, oursDirect, workflows } from './contenders.js'
import { freshProgram } from './scenarios/timed-run.js'
import { whenFinished } from './signals.js'
it('debug', async () => {
  for (const c of [floor, oursDirect, workflows, floor]) {
    const rows: string[] = []
    for (let i = 0; i < 12; i++) {
      const p = freshProgram(1)
      const t = Date.now()
      await c.start([p])
      const a = Date.now() - t
      await whenFinished(p.label)
      const b = Date.now() - t
      await c.completed(p.label)
      rows.push(`${a}/${b}/${Date.now() - t}`)
    }
    console.log(c.name, rows.join(' '))
  }
  const t = Date.now(); for (let i = 0; i < 100; i++) await scheduler.wait(1); console.log('100 waits', Date.now() - t)
}, 120000)
