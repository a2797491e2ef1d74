/**
 * The dashboard's client scripts, inline (no build step), run under the page's CSP nonce. No
 * framework and no polling: live views listen to `<base>/live` (a WebSocket) and write
 * what they receive with `textContent`, never as markup.
 */

/** Shared by every script: times, durations and status pills as the server writes them. */
const COMMON = String.raw`
const KNOWN = ['Scheduled', 'Running', 'Completed', 'Failed', 'Cancelled', 'Skipped'];
const fmtTime = (ms) => new Date(ms).toISOString().replace('T', ' ');
const fmtDur = (ms) => {
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  const s = Math.floor(ms / 1000);
  if (s < 3600) return Math.floor(s / 60) + ' m ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' m';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
};
const badge = (status) => {
  const pill = document.createElement('span');
  pill.className = 'status s-' + (KNOWN.includes(status) ? status : 'Unknown');
  pill.dataset.status = status;
  pill.textContent = status;
  return pill;
};
const base = document.body.dataset.base;
/** Calls onUpdate with each update the live feed sends; reconnects after a drop (1 s, doubling to 30 s). */
const follow = (onUpdate, onState) => {
  let delay = 1000;
  const connect = () => {
    const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base + '/live');
    socket.onopen = () => { delay = 1000; onState('live'); };
    socket.onmessage = (message) => onUpdate(JSON.parse(message.data));
    socket.onclose = () => { onState('reconnecting…'); setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); };
    return socket;
  };
  return connect();
};
const confirmForms = () => document.querySelectorAll('form[data-confirm]').forEach((form) => {
  form.addEventListener('submit', (event) => { if (!confirm(form.dataset.confirm)) event.preventDefault(); });
});
confirmForms();
`

/** The runs view: rows update and new runs appear as the index records them. */
export const LIVE_RUNS_SCRIPT = String.raw`(() => {
${COMMON}
const table = document.getElementById('runs');
const state = document.getElementById('live-state');
if (!table) return;
const tbody = table.tBodies[0];
const statuses = table.dataset.statuses ? table.dataset.statuses.split(',') : [];
const fn = table.dataset.function;
const from = table.dataset.from ? Number(table.dataset.from) : null;
const to = table.dataset.to ? Number(table.dataset.to) : null;
const apps = JSON.parse(table.dataset.apps || '{}');
const live = table.dataset.live === 'on';
const matches = (e) => (statuses.length === 0 || statuses.includes(e.status)) && (!fn || e.functionId === fn) &&
  (from === null || e.queuedAt >= from) && (to === null || e.queuedAt < to);
const link = (href, text) => { const a = document.createElement('a'); a.href = href; a.textContent = text; return a; };
const td = (className, child) => { const cell = document.createElement('td'); if (className) cell.className = className; cell.append(child); return cell; };
const setTimes = (tr, e) => {
  const started = e.startedAt ?? e.queuedAt;
  tr.querySelector('.run-status').replaceChildren(badge(e.status));
  tr.querySelector('.run-started').textContent = fmtTime(started);
  tr.querySelector('.run-duration').textContent = e.endedAt !== null ? fmtDur(e.endedAt - started) : (e.status === 'Running' ? 'running' : '—');
};
const newRow = (e) => {
  const tr = document.createElement('tr');
  tr.dataset.runId = e.runId;
  tr.dataset.queuedAt = String(e.queuedAt);
  const trigger = e.eventId ? link(base + '/events/' + encodeURIComponent(e.eventId), e.eventName ?? e.eventId) : 'none';
  tr.append(td('mono', link(base + '/runs/' + encodeURIComponent(e.runId), e.runId)), td('', e.functionId), td('', apps[e.functionId] ?? e.functionId.split('-')[0]),
    td('run-status', ''), td('', trigger), td('mono run-started', ''), td('run-duration', ''));
  return tr;
};
const apply = (e) => {
  const known = [...tbody.rows].find((row) => row.dataset.runId === e.runId);
  if (known) return setTimes(known, e);
  if (!live || !matches(e)) return;
  const tr = newRow(e);
  setTimes(tr, e);
  const after = [...tbody.rows].find((row) => Number(row.dataset.queuedAt) < e.queuedAt || (Number(row.dataset.queuedAt) === e.queuedAt && row.dataset.runId < e.runId));
  tbody.insertBefore(tr, after ?? null);
  tr.classList.add('fresh');
  document.getElementById('no-runs')?.remove();
  while (tbody.rows.length > 50) tbody.deleteRow(tbody.rows.length - 1);
};
follow((update) => { for (const entry of update.runs) apply(entry); },
  (text) => { if (state) state.textContent = text === 'live' && !live ? 'live (status changes only)' : text; });
})();`

/** The run view: reloads when the index reports this run in another status. */
export const LIVE_RUN_SCRIPT = String.raw`(() => {
${COMMON}
const root = document.getElementById('run');
if (!root) return;
// A form on its way (cancel, rerun) navigates by itself: a reload now would cancel it.
let submitting = false;
document.addEventListener('submit', (event) => { if (!event.defaultPrevented) submitting = true; });
follow((update) => {
  for (const entry of update.runs) {
    if (!submitting && entry.runId === root.dataset.runId && (entry.status !== root.dataset.status || String(entry.endedAt) !== root.dataset.endedAt)) location.reload();
  }
}, () => {});
})();`

/** Forms that confirm before posting, and the JSON editors that validate before sending. */
export const FORMS_SCRIPT = String.raw`(() => {
${COMMON}
document.querySelectorAll('form[data-json]').forEach((form) => {
  const editor = form.querySelector('textarea');
  const problem = form.querySelector('.json-problem');
  const check = () => {
    let message = '';
    try {
      const value = JSON.parse(editor.value);
      if (form.dataset.json === 'event') {
        const events = Array.isArray(value) ? value : [value];
        if (events.length === 0) message = 'Send at least one event.';
        for (const [i, event] of events.entries()) {
          if (typeof event !== 'object' || event === null || Array.isArray(event)) { message = 'Event ' + i + ' must be an object.'; break; }
          if (typeof event.name !== 'string' || event.name === '') { message = 'Event ' + i + ' needs a "name" string.'; break; }
          if (event.data !== undefined && (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))) { message = 'Event ' + i + ': "data" must be an object.'; break; }
        }
      } else if (typeof value !== 'object' || value === null || Array.isArray(value)) message = 'Data must be a JSON object.';
    } catch (error) { message = 'Not valid JSON: ' + error.message; }
    problem.textContent = message;
    form.querySelector('button').disabled = message !== '';
    return message === '';
  };
  editor.addEventListener('input', check);
  form.addEventListener('submit', (event) => { if (!check()) event.preventDefault(); });
  check();
});
})();`
