import type { Redis } from 'ioredis';

/**
 * The bus's Lua scripts: each check-and-write runs atomically in Redis. ioredis sends a script as
 * EVAL the first time on each socket and as EVALSHA after, so commands on one connection keep
 * their order even right after a reconnect.
 */
const SCRIPTS = {
  /**
   * KEYS: log, meta. ARGV: seq, json, maxLen, events channel.
   * Returns 0 when appended, -1 when the log has ended, else the seq that was expected.
   */
  sluiceAppend: {
    keys: 2,
    lua: `
local state = redis.call('HMGET', KEYS[2], 'last', 'ended')
if state[2] then return -1 end
local last = tonumber(state[1]) or 0
if tonumber(ARGV[1]) ~= last + 1 then return last + 1 end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], ARGV[1] .. '-0', 'j', ARGV[2])
redis.call('HSET', KEYS[2], 'last', ARGV[1])
redis.call('PUBLISH', ARGV[4], ARGV[1] .. ' ' .. ARGV[2])
return 0`,
  },
  /**
   * KEYS: log, meta, pendingCancel. ARGV: retentionMs, events channel.
   * Marks the log ended (an empty one if it was missing), starts the retention period on both
   * keys, drops a kept cancel, and announces the end once.
   */
  sluiceEnd: {
    keys: 3,
    lua: `
redis.call('HSETNX', KEYS[2], 'last', 0)
local wasEnded = redis.call('HEXISTS', KEYS[2], 'ended')
redis.call('HSET', KEYS[2], 'ended', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[3])
if wasEnded == 0 then
  redis.call('PUBLISH', ARGV[2], 'end ' .. redis.call('HGET', KEYS[2], 'last'))
end
return 0`,
  },
  /**
   * KEYS: meta, pendingCancel. ARGV: cancel channel, pendingMs.
   * Publishes the cancel; when no instance listens yet and the log has not ended, keeps it for
   * the first handler that registers. Returns how many connections received it.
   */
  sluiceCancel: {
    keys: 2,
    lua: `
local receivers = redis.call('PUBLISH', ARGV[1], '1')
if receivers == 0 and redis.call('HEXISTS', KEYS[1], 'ended') == 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX')
end
return receivers`,
  },
  /** KEYS: lease. ARGV: holder, ttlMs. Returns 1 when extended, 0 when not held by `holder`. */
  sluiceRenewLease: {
    keys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
  },
  /** KEYS: lease. ARGV: holder. Deletes the lease only if `holder` holds it. */
  sluiceReleaseLease: {
    keys: 1,
    lua: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;

/** The scripts as methods of a connection. */
export type BusScripts = { [name in ScriptName]: (...args: Arg[]) => Promise<number> };

/** Registers the scripts on `redis` and returns them typed. */
export function defineScripts(redis: Redis): BusScripts {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: script.keys, lua: script.lua });
  }
  return redis as unknown as BusScripts;
}
