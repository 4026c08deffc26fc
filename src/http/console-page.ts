/**
 * A small self-contained console served at `/` and `/test` until the full web console (issue 5)
 * replaces it: pick an agent, send a message, watch text, tool calls and raw frames stream in.
 * Text is inserted with textContent only, never as HTML.
 */
export const consolePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sluice console</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; display: grid; grid-template-rows: auto 1fr auto; height: 100vh; }
  header, footer { padding: .6rem 1rem; background: #f3f4f6; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
  main { overflow: auto; padding: 1rem; display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1rem; }
  @media (max-width: 700px) { main { grid-template-columns: 1fr; } }
  .msg { white-space: pre-wrap; margin: .4rem 0; padding: .5rem .7rem; border-radius: 8px; background: #eef2ff; }
  .msg.user { background: #dcfce7; }
  .tool { font-size: 13px; border-left: 3px solid #6366f1; padding-left: .5rem; margin: .3rem 0; color: #374151; }
  .error { color: #b91c1c; }
  #frames { font: 12px/1.3 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
  textarea { flex: 1; min-width: 12rem; }
</style>
</head>
<body>
<header><strong>Sluice</strong>
  <label>agent <select id="agent"></select></label>
  <label>language <select id="lang"><option value="">auto</option><option>en</option><option>zh</option><option>ja</option><option>es</option><option>fr</option></select></label>
  <span id="state">idle</span>
</header>
<main><section id="chat"></section><section><h3>Frames</h3><div id="frames"></div></section></main>
<footer><textarea id="input" rows="2" placeholder="what is 17*23?"></textarea><button id="send">Send</button><button id="stop" disabled>Stop</button></footer>
<script type="module">
const $ = (id) => document.getElementById(id);
const agents = await (await fetch('/api/agents')).json();
for (const a of agents.items) $('agent').append(new Option(a.name, a.id));
let session = null, runId = null;
function add(cls, text) { const d = document.createElement('div'); d.className = cls; d.textContent = text; $('chat').append(d); d.scrollIntoView(); return d; }
async function send() {
  const message = $('input').value.trim(); if (!message) return;
  $('input').value = '';
  if (!session || session.agent_id !== $('agent').value) {
    session = await (await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agent_id: $('agent').value }) })).json();
  }
  add('msg user', message);
  const body = { message }; if ($('lang').value) body.language = $('lang').value;
  const res = await fetch('/api/sessions/' + session.id + '/runs', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(body) });
  if (!res.ok) { add('error', (await res.json()).error.message); return; }
  runId = res.headers.get('x-sluice-run-id'); $('stop').disabled = false; $('state').textContent = 'streaming';
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '', bubble = null; const tools = {};
  for (;;) {
    const { value, done } = await reader.read(); if (done) break;
    buffer += value.replace(/\\r\\n?/g, '\\n');
    let cut;
    while ((cut = buffer.indexOf('\\n\\n')) >= 0) {
      const frame = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
      const line = document.createElement('div'); line.textContent = frame; $('frames').prepend(line);
      const data = frame.split('\\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\\n');
      if (!data) continue;
      const ev = JSON.parse(data), d = ev.data;
      if (ev.event_type === 'assistant_message_start') bubble = add('msg', '');
      else if (ev.event_type === 'assistant_message_chunk' && bubble) bubble.textContent += d.content;
      else if (ev.event_type === 'tool_call_start') tools[d.call_id] = add('tool', '⚙ ' + d.tool_name + ' ' + JSON.stringify(d.arguments));
      else if (ev.event_type === 'tool_call_progress') tools[d.call_id].textContent += ' · ' + d.progress_message;
      else if (ev.event_type === 'tool_call_end') tools[d.call_id].textContent += ' → ' + d.status + ' ' + JSON.stringify(d.result ?? d.error_message);
      else if (ev.event_type === 'error') add('error', d.error_message);
      else if (ev.event_type === 'conversation_end') add('tool', d.status + ' · ' + d.usage.total_tokens + ' tokens · $' + d.usage.total_cost);
    }
  }
  $('stop').disabled = true; $('state').textContent = 'idle';
}
$('send').onclick = send;
$('stop').onclick = () => runId && fetch('/api/runs/' + runId + '/cancel', { method: 'POST' });
$('input').onkeydown = (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } if (e.key === 'Escape') $('stop').click(); };
</script>
</body>
</html>
`;
