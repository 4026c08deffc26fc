import { startTestServer } from './sluice.ts';
import { SluiceError } from '../../src/protocol/index.ts';
const t = await startTestServer({});
for (const n of [100, 101, 1000, 5000]) {
  const r = await fetch(`${t.url}/api/agents/${'a'.repeat(n)}`); console.log(n, r.status, (await r.text()).slice(0, 150));
  const r2 = await fetch(`${t.url}/nothing/${'a'.repeat(n)}`); console.log('nf', n, r2.status, (await r2.text()).slice(0, 150));
}
try { console.log(JSON.stringify(new SluiceError('route_not_found', { method: 'GET', url: 'a'.repeat(5000) }).toBody('en')).slice(0, 100)); } catch (e) { console.log('THROW', e); }
await t.close();
