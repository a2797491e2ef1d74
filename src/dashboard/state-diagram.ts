/**
 * The run machine as an inline SVG, drawn on the server: queued → running → sleeping | waiting |
 * retrying → done, the current state filled, states and transitions the run went through
 * outlined. Positions are fixed: the machine has six states.
 */
import { html } from 'hono/html'
import type { Markup } from './layout.js'
import type { RunState, Transition } from './run-history.js'

const W = 120
const H = 34
const NODES: Record<RunState, { x: number; y: number }> = {
  queued: { x: 10, y: 116 },
  running: { x: 190, y: 116 },
  sleeping: { x: 380, y: 46 },
  waiting: { x: 380, y: 116 },
  retrying: { x: 380, y: 186 },
  done: { x: 570, y: 116 },
}

const EDGES: ReadonlyArray<readonly [RunState, RunState]> = [
  ['queued', 'running'],
  ['queued', 'done'],
  ['running', 'sleeping'],
  ['running', 'waiting'],
  ['running', 'retrying'],
  ['sleeping', 'running'],
  ['waiting', 'running'],
  ['retrying', 'running'],
  ['running', 'done'],
  ['sleeping', 'done'],
  ['waiting', 'done'],
  ['retrying', 'done'],
]

/** The path of edge `from → to`: straight across, or bowed so that a return does not overlap its way out. */
function edgePath(from: RunState, to: RunState): string {
  const a = NODES[from]
  const b = NODES[to]
  const forward = b.x > a.x
  const [x1, y1] = [forward ? a.x + W : a.x, a.y + H / 2]
  const [x2, y2] = [forward ? b.x : b.x + W, b.y + H / 2]
  // The two ways to `done` that skip the middle column go around it: below from queued, above from running.
  if (from === 'queued' && to === 'done') return `M${a.x + W / 2},${a.y + H} C${a.x + W / 2},290 ${b.x + W / 2},290 ${b.x + W / 2},${b.y + H}`
  if (from === 'running' && to === 'done') return `M${a.x + W / 2},${a.y} C${a.x + W / 2},-20 ${b.x + W / 2},-20 ${b.x + W / 2},${b.y}`
  const bow = forward ? -8 : 8
  const mx = (x1 + x2) / 2
  return `M${x1},${y1 + (forward ? 0 : 6)} C${mx},${y1 + bow} ${mx},${y2 + bow} ${x2},${y2 + (forward ? 0 : 6)}`
}

/** The diagram with `current` filled and what `history` went through outlined. */
export function stateDiagram(current: RunState | null, history: readonly Transition[]): Markup {
  const visited = new Set(history.map((t) => t.to))
  const taken = new Set(history.filter((t) => t.from).map((t) => `${t.from}>${t.to}`))
  return html`<svg id="state-diagram" role="img" aria-label="run state machine, current state ${current ?? 'none'}" viewBox="0 0 700 300" width="700" height="300">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>
${EDGES.map(([from, to]) => html`<path class="edge${taken.has(`${from}>${to}`) ? ' taken' : ''}" d="${edgePath(from, to)}" marker-end="url(#arrow)" data-edge="${from}-${to}"/>`)}
${(Object.keys(NODES) as RunState[]).map((state) => {
  const { x, y } = NODES[state]
  const cls = state === current ? 'node current' : visited.has(state) ? 'node visited' : 'node'
  return html`<g class="${cls}" data-state="${state}"${state === current ? html` aria-current="true"` : ''}><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="8"/><text x="${x + W / 2}" y="${y + 22}" text-anchor="middle">${state}</text></g>`
})}
</svg>`
}
