/** POSTs `body` as JSON and parses the answer, which must have `status` (bounded to 10 s). */
export async function postJson<T>(url: string, body: unknown, status: number): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== status)
    throw new Error(`POST ${new URL(url).pathname}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}
