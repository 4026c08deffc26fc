import { connect, createServer, type Server, type Socket } from 'node:net';

export interface CutProxy {
  /** http://127.0.0.1:<port>: use it as the client's base URL. */
  url: string;
  /** The proxy's port, for clients of other protocols (PostgreSQL, Redis): see `proxiedUrl`. */
  port: number;
  /** Connections accepted so far (refused ones included). */
  readonly accepted: number;
  /**
   * Kills every open connection, both sides: `reset` sends RST (an abrupt network failure),
   * otherwise FIN (the peer sees the response end early). Returns how many connections it closed:
   * none when the client had not reconnected yet.
   */
  cut(options?: { reset?: boolean }): number;
  /** While on, new connections are closed as soon as they are accepted. */
  refuse(on: boolean): void;
  /** Stops forwarding server-to-client bytes on the open connections, without closing them. */
  freeze(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

/**
 * A loopback TCP proxy in front of a server, for cutting connections under a client at will:
 * the server sees a client that went away, the client sees its connection die. `target` is any
 * URL with a host and port (http://..., postgres://..., redis://...): only those are used.
 */
export async function startCutProxy(target: string): Promise<CutProxy> {
  const { hostname, port } = new URL(target);
  const pairs = new Set<Pair>();
  let accepted = 0;
  let refusing = false;

  const server: Server = createServer((client) => {
    accepted++;
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');

  const cut = (options: { reset?: boolean } = {}): number => {
    const closed = pairs.size;
    for (const { client, upstream } of [...pairs]) {
      if (options.reset) client.resetAndDestroy();
      else client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    return closed;
  };

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    get accepted() {
      return accepted;
    },
    cut,
    refuse(on) {
      refusing = on;
    },
    freeze() {
      for (const { client, upstream } of pairs) {
        upstream.unpipe(client);
        upstream.pause();
      }
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `target` (a postgres:// or redis:// URL, say) with its host and port replaced by the proxy's. */
export function proxiedUrl(target: string, proxy: CutProxy): string {
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}
