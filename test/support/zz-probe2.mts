import { startTestServer, createSession, json } from './sluice.ts';
const t = await startTestServer({});
const s = await createSession(t.url);
for (const message of ['a\u0000b', 'a\ud800b', 'x'.repeat(10)]) {
  const r = await json<any>(`${t.url}/api/sessions/${s}/runs`, { body: { message } });
  console.log(JSON.stringify(message), r.status, JSON.stringify(r.body).slice(0, 200));
  if (r.body?.id) { await t.server.ctx.runs.settled(r.body.id); const g = await json<any>(`${t.url}/api/runs/${r.body.id}`); console.log(g.status, JSON.stringify(g.body).slice(0, 300)); }
}
for (const metadata of [{ a: 'x\u0000' }, { a: '\udc00' }]) {
  const r = await json<any>(`${t.url}/api/sessions`, { body: { metadata } });
  console.log(JSON.stringify(metadata), r.status, JSON.stringify(r.body).slice(0, 200));
}
const A = 'a'.repeat(5000);
const r = await fetch(`${t.url}/api/agents/${A}`); console.log(r.status, (await r.text()).slice(0, 100));
await t.close();
