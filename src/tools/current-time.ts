import { z } from 'zod';
import { text } from '../protocol/index.ts';
import type { Tool } from './tool.ts';

const currentTimeInput = z.object({
  timezone: z
    .string()
    .optional()
    .describe('An IANA time zone such as "Asia/Tokyo" or "Europe/Paris"; UTC when omitted.'),
});

export type CurrentTimeInput = z.infer<typeof currentTimeInput>;

export interface CurrentTimeResult {
  timezone: string;
  /** Local time with its offset, e.g. 2026-11-21T18:30:00+09:00. */
  iso: string;
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm:ss, 24-hour */
  time: string;
  /** English weekday name, e.g. Saturday. */
  weekday: string;
  /** e.g. +09:00, -03:30, +00:00 */
  utc_offset: string;
  /** Seconds since the epoch. */
  unix: number;
}

let supportedZones: Map<string, string> | undefined;

/**
 * Checks the zone with Intl and returns its usual spelling. Node's ICU canonicalises some names
 * to old aliases (Asia/Kolkata -> Asia/Calcutta), so a valid name is kept as given, only with its
 * letter case fixed when Intl lists it.
 */
export function resolveTimeZone(zone: string): string {
  const name = zone.trim();
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new Error(`Unknown time zone "${zone}"; use an IANA name such as "Asia/Tokyo" or "UTC".`);
  }
  supportedZones ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  const listed = supportedZones.get(name.toLowerCase());
  if (listed) return listed;
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** Reads `date` on the wall clock of `timezone` (already validated). */
export function describeInstant(date: Date, timezone: string): CurrentTimeResult {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    weekday: 'long',
    timeZoneName: 'longOffset',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  // longOffset reads "GMT+05:30", or plain "GMT" at offset zero.
  const gmt = part('timeZoneName').replace(/^GMT/, '');
  const utcOffset = gmt === '' ? '+00:00' : gmt.replace('\u2212', '-');
  const dateText = `${part('year')}-${part('month')}-${part('day')}`;
  const timeText = `${part('hour')}:${part('minute')}:${part('second')}`;
  return {
    timezone,
    iso: `${dateText}T${timeText}${utcOffset}`,
    date: dateText,
    time: timeText,
    weekday: part('weekday'),
    utc_offset: utcOffset,
    unix: Math.floor(date.getTime() / 1000),
  };
}

/** `now` is injectable so tests can pin the instant. */
export function createCurrentTimeTool(now: () => Date = () => new Date()): Tool<CurrentTimeInput> {
  return {
    name: 'current_time',
    description:
      'Returns the current date, time, weekday and UTC offset in a time zone (IANA name, e.g. ' +
      '"Asia/Tokyo", "America/New_York"; UTC by default). Use it whenever the answer depends on today or now.',
    inputSchema: currentTimeInput,
    async execute(input, ctx): Promise<CurrentTimeResult> {
      const timezone = resolveTimeZone(input.timezone ?? 'UTC');
      ctx.progress(text('reading_clock', ctx.language, { zone: timezone }));
      return describeInstant(now(), timezone);
    },
  };
}
