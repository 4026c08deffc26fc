import { HOLD_HEADER, newSession, TAG_HEADER, until, type VanishServer } from './vanish-server.ts';
import { type Vanish, VanishingClient } from './vanishing-client.ts';

/** The phases of an exchange at which a client vanishes (docs/reliability.md names them a to g). */
export const PHASES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
export type Phase = (typeof PHASES)[number];

/** The demo's fallback answer, about 50 chunks. */
export const TEXT = 'hello there';
/** A calculator and a current_time call, then an answer about both. */
export const TOOLS = 'what is 12*7 and what time is it in Tokyo';
/**
 * A long essay whose conversation_start echoes 990,000 U+0001 characters, six bytes each in JSON:
 * a 6 MB first frame that no loopback socket buffer holds, so a client that does not read leaves
 * the server queueing frames.
 */
export const FILLS_SOCKET = `write a detailed essay about clouds ${'\u0001'.repeat(990_000)}`;

const MESSAGES: Record<Phase, string> = {
  a: TEXT,
  b: TEXT,
  c: TEXT,
  d: TEXT,
  e: TOOLS,
  f: TOOLS,
  g: FILLS_SOCKET,
};

let tags = 0;
let bCycles = 0;

/**
 * One native run request whose client vanishes (`how`) at `phase`, for leak checks: it returns
 * once the client's socket is closed, without asserting what the run did (client-vanish.test.ts
 * does). Phase b alternates between the hold (HOLD_HEADER) and the real race: the request sent
 * whole and the socket dropped at once, so the server may or may not start the run.
 */
export async function vanishCycle(t: VanishServer, phase: Phase, how: Vanish, policy: string): Promise<void> {
  const session = await newSession(t);
  const tag = `cycle-${++tags}`;
  const body = JSON.stringify({ message: MESSAGES[phase], on_disconnect: policy });
  // Phase b: every other time held until the client is gone (the route then always runs for a
  // client that left), else the real race.
  const held = phase === 'b' && ++bCycles % 2 === 0;
  const client = VanishingClient.open(t.url, {
    path: `/api/sessions/${session}/runs`,
    headers: { accept: 'text/event-stream', [TAG_HEADER]: tag, ...(held ? { [HOLD_HEADER]: '1' } : {}) },
    body,
    ...(phase === 'a' ? { sendBodyBytes: body.length - 10 } : {}),
  });
  try {
    switch (phase) {
      case 'a':
        await until(() => (t.response(tag) ? true : undefined), 'the server to read the head');
        client.vanish(how);
        break;
      case 'b':
        if (held) await until(() => (t.holding(tag) ? true : undefined), 'the body to be read');
        client.vanish(how);
        break;
      case 'c':
        await client.at(() => true, how);
        break;
      case 'd': {
        let chunks = 0;
        await client.at((m) => m.event === 'assistant_message_chunk' && ++chunks === 3, how);
        break;
      }
      case 'e':
        await client.at((m) => m.event === 'tool_call_start', how);
        break;
      case 'f':
        await client.at(() => true, 'stop-reading');
        await until(() => (t.response(tag) ? undefined : true), 'the response to end');
        client.vanish(how === 'half-close' ? 'destroy' : how);
        break;
      case 'g':
        client.stopReading();
        await until(() => (t.response(tag)?.writableNeedDrain ? true : undefined), 'the socket to fill');
        client.vanish(how);
        break;
    }
    // A half-closed client that still reads sees the server close the connection.
    if (how === 'half-close' && phase !== 'g') await client.gone();
  } finally {
    client.dispose();
    t.takeRun(session);
  }
}
