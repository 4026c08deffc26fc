/**
 * Every Redis name one run uses. The run id sits in a hash tag (`{...}`) so that a run's keys
 * share one Redis Cluster slot, which the multi-key Lua scripts need.
 */
export interface RunKeys {
  /** Stream of the run's events; entry id `<seq>-0`, one field `j` holding the event's JSON. */
  log: string;
  /** Hash: `last` (the last seq appended) and `ended` (present once the log ended). */
  meta: string;
  /** String set by a cancel that no instance was listening for yet (see requestCancel). */
  pendingCancel: string;
  /** String holding the lease holder's id, with the lease's TTL. */
  lease: string;
  /** Channel: `<seq> <json>` for each appended entry, then `end <lastSeq>` once. */
  events: string;
  /** Channel: a message asks the instance running the run to cancel it. */
  cancel: string;
}

export function runKeys(prefix: string, runId: string): RunKeys {
  const base = `${prefix}run:{${runId}}:`;
  return {
    log: `${base}log`,
    meta: `${base}meta`,
    pendingCancel: `${base}cancel-pending`,
    lease: `${base}lease`,
    events: `${base}events`,
    cancel: `${base}cancel`,
  };
}

/** Stream id of the entry with this seq: seq-derived, so "after seq n" is "from id (n+1)-0". */
export function streamId(seq: number): string {
  return `${seq}-0`;
}

/** The seq of a stream id written by `streamId`. */
export function seqOfStreamId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
