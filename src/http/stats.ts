import type { RunEnd } from '../runs/index.ts';

/** One set of counters: for a tenant as a whole, or for one of its agents. */
export interface StatsCounters {
  /** Runs that ended, from every endpoint. */
  requests: number;
  /** SSE responses opened (new runs, resumes and joins). */
  streams: number;
  completed: number;
  /** Runs that ended `failed` or `interrupted`. */
  errors: number;
  cancelled: number;
  /** Sessions the agent chat endpoints created. */
  sessions: number;
  /** Messages the runs stored: each user message plus the assistant and tool messages. */
  messages: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  total_cost: number;
}

export interface StatsSnapshot extends StatsCounters {
  /** When counting started: the server's start or the last reset. */
  since: string;
  agents: Record<string, StatsCounters>;
}

interface TenantStats {
  since: Date;
  total: StatsCounters;
  agents: Map<string, StatsCounters>;
}

function zero(): StatsCounters {
  return {
    requests: 0,
    streams: 0,
    completed: 0,
    errors: 0,
    cancelled: 0,
    sessions: 0,
    messages: 0,
    input_tokens: 0,
    output_tokens: 0,
    total_tokens: 0,
    total_cost: 0,
  };
}

/**
 * In-process usage counters for `GET /stats` and `POST /reset-stats`, kept per tenant (a tenant
 * sees only its own) and, within it, per agent. Fed by run ends (every endpoint) and by the HTTP
 * layer (streams, sessions). They live in this process only and start at zero with it; durable
 * per-session and per-agent usage is in the store.
 */
export class UsageStats {
  private readonly tenants = new Map<string, TenantStats>();

  constructor(
    private readonly startedAt: Date = new Date(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  recordRun(end: RunEnd): void {
    this.add(end.run.tenant_id, end.run.agent_id, (c) => {
      c.requests++;
      if (end.status === 'completed') c.completed++;
      else if (end.status === 'cancelled') c.cancelled++;
      else if (end.status === 'failed' || end.status === 'interrupted') c.errors++;
      c.messages += end.messages;
      c.input_tokens += end.usage.input_tokens;
      c.output_tokens += end.usage.output_tokens;
      c.total_tokens += end.usage.total_tokens;
      c.total_cost = Math.round((c.total_cost + end.usage.total_cost) * 1e8) / 1e8;
    });
  }

  recordStream(tenantId: string, agentId: string): void {
    this.add(tenantId, agentId, (c) => {
      c.streams++;
    });
  }

  recordSession(tenantId: string, agentId: string): void {
    this.add(tenantId, agentId, (c) => {
      c.sessions++;
    });
  }

  snapshot(tenantId: string): StatsSnapshot {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return { since: this.startedAt.toISOString(), ...zero(), agents: {} };
    const agents: Record<string, StatsCounters> = {};
    for (const [id, counters] of [...tenant.agents].sort(([a], [b]) => a.localeCompare(b))) {
      agents[id] = { ...counters };
    }
    return { since: tenant.since.toISOString(), ...tenant.total, agents };
  }

  /** Zeroes the tenant's counters; counting starts again now. */
  reset(tenantId: string): StatsSnapshot {
    this.tenants.set(tenantId, { since: this.now(), total: zero(), agents: new Map() });
    return this.snapshot(tenantId);
  }

  private add(tenantId: string, agentId: string, apply: (counters: StatsCounters) => void): void {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) {
      tenant = { since: this.startedAt, total: zero(), agents: new Map() };
      this.tenants.set(tenantId, tenant);
    }
    let agent = tenant.agents.get(agentId);
    if (!agent) {
      agent = zero();
      tenant.agents.set(agentId, agent);
    }
    apply(tenant.total);
    apply(agent);
  }
}
