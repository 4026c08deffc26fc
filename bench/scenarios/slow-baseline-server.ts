/**
 * The raw writer for the capacity scenario: a bare node:http server holding slow SSE streams the
 * way one would write them by hand. `GET /stream` writes the headers and a `retry:` frame at once,
 * then one event frame (the size of a Sluice `assistant_message_chunk`) every `intervalMs` from a
 * timer of its own, and a `: heartbeat` comment after `heartbeatMs` without a write.
 * `GET /stream?group=<name>` joins a group instead: one timer per group writes the same frame to
 * every member, as a fan-out of one run to its joined clients would. Nothing else: no framework,
 * no store, no log. The first argument is JSON `{ "intervalMs": ..., "heartbeatMs": ... }`.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeFrame, HEARTBEAT_FRAME } from '../../src/sse/encode.ts';
import { SSE_HEADERS } from '../../src/sse/headers.ts';
import { reply, serveCommands } from '../server-child.ts';

const { intervalMs, heartbeatMs } = JSON.parse(process.argv[2] ?? '{}') as {
  intervalMs?: number;
  heartbeatMs?: number;
};
if (!(intervalMs && intervalMs > 0 && heartbeatMs && heartbeatMs > 0)) {
  throw new Error('slow-baseline-server: pass {"intervalMs": n, "heartbeatMs": n} as the first argument');
}

/** About the bytes of one Sluice chunk event for a short demo reply. */
function chunkFrame(seq: number): string {
  const data = {
    event_type: 'assistant_message_chunk',
    seq,
    run_id: '0193a000-0000-7000-8000-000000000001',
    session_id: '0193a000-0000-7000-8000-000000000000',
    timestamp: new Date().toISOString(),
    data: {
      content: ' word',
      is_complete: false,
      chunk_index: seq - 3,
      total_chunks: null,
      message_id: 'm1',
    },
    metadata: {},
  };
  return encodeFrame({ id: seq, event: 'assistant_message_chunk', data: JSON.stringify(data) });
}

class Stream {
  seq = 0;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(readonly res: ServerResponse) {
    res.writeHead(200, SSE_HEADERS);
    res.write(encodeFrame({ retry: 3000 }));
    this.heartbeat = setTimeout(() => this.beat(), heartbeatMs);
  }

  send(frame: string): void {
    this.res.write(frame);
    this.heartbeat.refresh();
  }

  private beat(): void {
    this.res.write(HEARTBEAT_FRAME);
    this.heartbeat.refresh();
  }

  stop(): void {
    clearTimeout(this.heartbeat);
  }
}

/** Streams fed by one shared timer. */
class Group {
  readonly members = new Set<Stream>();
  private seq = 0;
  private readonly timer = setInterval(() => {
    const frame = chunkFrame(++this.seq);
    for (const member of this.members) member.send(frame);
  }, intervalMs);

  close(): void {
    clearInterval(this.timer);
  }
}

const groups = new Map<string, Group>();

const server = createServer((req, res) => {
  req.resume();
  const group = new URL(req.url ?? '/', 'http://x').searchParams.get('group');
  const stream = new Stream(res);
  if (group === null) {
    const timer = setInterval(() => stream.send(chunkFrame(++stream.seq)), intervalMs);
    res.once('close', () => {
      clearInterval(timer);
      stream.stop();
    });
    return;
  }
  let feed = groups.get(group);
  if (!feed) {
    feed = new Group();
    groups.set(group, feed);
  }
  feed.members.add(stream);
  const joined = feed;
  res.once('close', () => {
    stream.stop();
    joined.members.delete(stream);
    if (joined.members.size === 0) {
      joined.close();
      groups.delete(group);
    }
  });
});

serveCommands({
  close: () =>
    new Promise<void>((resolve) => {
      for (const group of groups.values()) group.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  reply({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
