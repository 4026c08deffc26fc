import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ZodType } from 'zod';
import type { SluiceConfig } from '../config/index.ts';
import type { CanonicalEvent, CustomEvent } from '../protocol/index.ts';
import type { Logger } from '../runs/index.ts';
import type { Tool } from '../tools/index.ts';

/** What an extension's hooks are handed. */
export interface ExtensionContext {
  config: SluiceConfig;
  log: Logger;
  /** The server's Prometheus registry (served at /metrics): an extension may add its own metrics. */
  metrics: Registry;
}

/** An event in a run's log, after it was stamped with seq, ids and time. */
export type LoggedEvent = CanonicalEvent | CustomEvent;

/**
 * A way to extend Sluice embedded as a library: `createServer(config, { extensions: [ext] })`.
 * Every member is optional.
 */
export interface SluiceExtension {
  /** Shown in logs when a hook fails. */
  name: string;
  /**
   * Custom event types, each with the schema of its `data`. A type needs a namespace
   * (`acme.audit_note`: lower case, a dot) so it never clashes with a canonical type; two
   * extensions registering the same type is an error at start. Tools emit them with
   * `ctx.emitEvent(type, data)`.
   */
  eventTypes?: Record<string, ZodType>;
  /** Tools added to the registry, e.g. ones that emit the custom events; agents list them by name. */
  tools?: Tool[];
  /**
   * Called for every event appended to any run's log of this instance, in order, once it is
   * stamped. It must be quick (it runs on the run's path); thrown errors and rejected promises
   * are logged and never reach the run.
   */
  onEvent?(event: LoggedEvent, ctx: ExtensionContext): void | Promise<void>;
  /**
   * Called with the root Fastify instance before the routes are added: hooks added here
   * (`onRequest`, `preHandler`, `onSend`, ...) apply to every route, as middleware; routes added
   * here are served as they are (document them yourself).
   */
  register?(app: FastifyInstance, ctx: ExtensionContext): void;
}
