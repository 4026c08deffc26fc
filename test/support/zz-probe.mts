import { startTestServer } from './sluice.ts';
const t = await startTestServer({ log_level: 'error' });
for (const p of process.argv.slice(2)) {
  const [method, path, body, ct] = p.split(' ');
  const r = await fetch(t.url + path, { method, ...(body ? { body, headers: { 'content-type': ct ?? 'application/json' } } : {}) });
  console.log(method, path, r.status, r.headers.get('content-type'), (await r.text()).slice(0, 300));
}
await t.close();
