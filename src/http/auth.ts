import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyConfig } from '../config/index.ts';
import { SluiceError } from '../protocol/index.ts';

export interface Principal {
  tenantId: string;
  userId: string | null;
}

/** With no keys configured, everything belongs to this tenant (dev mode on loopback). */
export const OPEN_TENANT = 'default';

/**
 * Maps `Authorization: Bearer <key>` or `X-API-Key: <key>` to a tenant. Keys are compared in
 * constant time so response timing does not reveal how much of a key matched.
 */
export class KeyAuthenticator {
  private readonly keys: { key: Buffer; principal: Principal }[];

  constructor(keys: readonly ApiKeyConfig[]) {
    this.keys = keys.map((k) => ({
      key: Buffer.from(k.key),
      principal: { tenantId: k.tenant, userId: k.user ?? null },
    }));
  }

  get open(): boolean {
    return this.keys.length === 0;
  }

  /**
   * `queryKey` is a key the route read from the query string, for clients that cannot send
   * headers (EventSource); a key in the headers wins over it.
   */
  authenticate(request: FastifyRequest, queryKey?: string): Principal {
    if (this.open) return { tenantId: OPEN_TENANT, userId: null };
    const presented = presentedKey(request) ?? (queryKey === '' ? undefined : queryKey);
    if (presented) {
      const candidate = Buffer.from(presented);
      for (const { key, principal } of this.keys) {
        if (key.length === candidate.length && timingSafeEqual(key, candidate)) return principal;
      }
    }
    throw new SluiceError('unauthorized');
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1]) return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}
