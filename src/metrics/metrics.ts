import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LogEntry } from '../bus/index.ts';
import type { RunEnd } from '../runs/index.ts';

export interface MetricsSources {
  /** Runs this instance has queued or running. */
  activeRuns(): number;
  /** SSE responses this instance has open. */
  openStreams(): number;
}

/**
 * The Prometheus metrics of one server instance, in a registry of its own (never prom-client's
 * global one, so several servers in one process do not clash). Counters live in this process and
 * start at zero with it; Prometheus sums instances and handles restarts.
 */
export class SluiceMetrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'status' | 'agent'>;
  private readonly pendingEvents = new Map<string, number>();
  private readonly tokens: Counter<'direction' | 'model'>;
  private readonly cost: Counter<'model'>;
  private readonly firstChunk: Histogram<'provider' | 'model'>;
  private readonly requests: Counter<'method' | 'route' | 'status'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    // Process metrics, among them event-loop lag (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'sluice_active_runs',
      help: 'Runs queued or running on this instance.',
      registers,
      collect() {
        this.set(sources.activeRuns());
      },
    });
    new Gauge({
      name: 'sluice_open_streams',
      help: 'SSE responses open on this instance.',
      registers,
      collect() {
        this.set(sources.openStreams());
      },
    });
    this.runs = new Counter({
      name: 'sluice_runs_total',
      help: 'Runs that ended, by final status and agent.',
      labelNames: ['status', 'agent'],
      registers,
    });
    const pendingEvents = this.pendingEvents;
    // Registered, then only fed at scrape time by its collect().
    new Counter({
      name: 'sluice_events_total',
      help: 'Events appended to run logs, by event type (custom types included).',
      labelNames: ['type'],
      registers,
      collect() {
        for (const [type, count] of pendingEvents) this.inc({ type }, count);
        pendingEvents.clear();
      },
    });
    this.tokens = new Counter({
      name: 'sluice_tokens_total',
      help: 'Model tokens of ended runs, by direction (input, output) and model.',
      labelNames: ['direction', 'model'],
      registers,
    });
    this.cost = new Counter({
      name: 'sluice_cost_total',
      help: 'Cost of ended runs in the price table currency (USD by default), by model.',
      labelNames: ['model'],
      registers,
    });
    this.firstChunk = new Histogram({
      name: 'sluice_llm_first_chunk_seconds',
      help: 'Time from a model request to its first streamed chunk, by provider and model.',
      labelNames: ['provider', 'model'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    this.requests = new Counter({
      name: 'sluice_http_requests_total',
      help: 'HTTP responses, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
  }

  recordRunEnd(end: RunEnd): void {
    this.runs.inc({ status: end.status, agent: end.run.agent_id });
    const model = end.run.model;
    if (end.usage.input_tokens > 0) this.tokens.inc({ direction: 'input', model }, end.usage.input_tokens);
    if (end.usage.output_tokens > 0) this.tokens.inc({ direction: 'output', model }, end.usage.output_tokens);
    if (end.usage.total_cost > 0) this.cost.inc({ model }, end.usage.total_cost);
  }

  /** Counted in a plain map and added to the counter when scraped: this runs for every event. */
  recordEvent(entry: LogEntry): void {
    const type = entry.event.event_type;
    this.pendingEvents.set(type, (this.pendingEvents.get(type) ?? 0) + 1);
  }

  recordFirstChunk(provider: string, model: string, seconds: number): void {
    this.firstChunk.observe({ provider, model }, seconds);
  }

  /** `route` is the route's pattern (`/api/runs/:id`), never the raw URL, to bound the label's values. */
  recordRequest(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }

  /** The exposition text and its content type. */
  async expose(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
