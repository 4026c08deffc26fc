/**
 * The baseline: a bare node:http server that answers every request with the frames of one real
 * Sluice run (recorded by the orchestrator and sent in `init`), written one `res.write` per frame
 * as Sluice does, waiting for 'drain' whenever a write returns false, then ends the response.
 * No framework, no store, no bus: the cost floor of streaming the same bytes from Node.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSE_HEADERS } from '../src/sse/headers.ts';
import { reply, serveCommands } from './server-child.ts';

let frames: string[] = [];

const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, SSE_HEADERS);
  void writeFrames(res);
});

async function writeFrames(res: ServerResponse): Promise<void> {
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  for (const frame of frames) {
    if (gone) return;
    if (!res.write(frame)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!gone) res.end();
}

serveCommands({
  close: () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  onInit(received) {
    frames = received;
    if (server.listening) return;
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      reply({ type: 'ready', url: `http://127.0.0.1:${port}` });
    });
  },
});
