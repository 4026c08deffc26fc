import { request } from 'node:http';

function call(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.once('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
    req.end(body);
  });
}

/**
 * Runs `message` once on a Sluice server (new session, run streamed as SSE) and returns the
 * response body cut into frames, each ending with its blank line: exactly the bytes the baseline
 * replays.
 */
export async function recordRun(baseUrl: string, message: string): Promise<string[]> {
  const json = { 'content-type': 'application/json' };
  const session = await call(new URL('/api/sessions', baseUrl), 'POST', json, '{}');
  if (session.status !== 201) throw new Error(`POST /api/sessions: ${session.status} ${session.text}`);
  const { id } = JSON.parse(session.text) as { id: string };
  const run = await call(
    new URL(`/api/sessions/${id}/runs`, baseUrl),
    'POST',
    { ...json, accept: 'text/event-stream' },
    JSON.stringify({ message }),
  );
  if (run.status !== 200) throw new Error(`POST /api/sessions/${id}/runs: ${run.status} ${run.text}`);
  const frames = run.text.split(/(?<=\n\n)/);
  const last = frames.at(-1) ?? '';
  if (!last.startsWith('id:') || !last.includes('event: conversation_end')) {
    throw new Error(`the recorded run did not end with conversation_end: ${last.slice(0, 200)}`);
  }
  return frames;
}
