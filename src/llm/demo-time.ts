import { fillTemplate, type Language } from '../protocol/index.ts';
import { resolveTimeZone } from '../tools/current-time.ts';
import { wordPattern } from './demo-match.ts';
import type { DemoRule, DemoToolResult, DemoTurn, PlannedCall } from './demo-rules.ts';

const TIME_WORDS = wordPattern([
  'time',
  'date',
  'today',
  'clock',
  'what day',
  'right now',
  'time zone',
  'timezone',
  '时间',
  '几点',
  '日期',
  '今天',
  '星期几',
  '时钟',
  '时区',
  '時間',
  '何時',
  '日付',
  '今日',
  '曜日',
  '時計',
  '時刻',
  'hora',
  'fecha',
  'hoy',
  'reloj',
  'qué día',
  'ahora mismo',
  'heure',
  "aujourd'hui",
  'aujourd’hui',
  'horloge',
  'quel jour',
  'en ce moment',
]);

/** A handful of cities, by their names in the five languages, to IANA zones. */
const CITIES: ReadonlyArray<[zone: string, names: string[]]> = [
  ['Asia/Tokyo', ['Tokyo', 'Tokio', '东京', '東京']],
  ['Europe/Paris', ['Paris', 'París', '巴黎', 'パリ']],
  ['America/New_York', ['New York', 'Nueva York', 'NYC', '纽约', 'ニューヨーク']],
  ['Europe/London', ['London', 'Londres', '伦敦', 'ロンドン']],
  ['Asia/Shanghai', ['Shanghai', 'Shanghái', 'Beijing', 'Pekín', 'Pékin', '上海', '北京']],
  ['Europe/Madrid', ['Madrid', '马德里', 'マドリード', 'マドリッド']],
  ['Australia/Sydney', ['Sydney', 'Sídney', '悉尼', 'シドニー']],
  ['America/Los_Angeles', ['Los Angeles', 'Los Ángeles', '洛杉矶', 'ロサンゼルス']],
  ['Europe/Berlin', ['Berlin', 'Berlín', '柏林', 'ベルリン']],
  [
    'Asia/Kolkata',
    ['Mumbai', 'Delhi', 'New Delhi', 'Nueva Delhi', 'Kolkata', '孟买', '新德里', 'ムンバイ', 'デリー'],
  ],
  ['America/Mexico_City', ['Mexico City', 'Ciudad de México', '墨西哥城', 'メキシコシティ']],
];
const CITY_PATTERNS = CITIES.map(([zone, names]) => ({ zone, pattern: wordPattern(names) }));
const IANA_NAME =
  /(?<![\p{L}\p{N}/])(?:[A-Za-z][A-Za-z_-]+\/)+[A-Za-z][A-Za-z0-9_+-]*|(?<![\p{L}\p{N}])(?:UTC|GMT)(?![\p{L}\p{N}+-])/gu;
const MAX_ZONES = 3;

export function isTimeQuestion(text: string): boolean {
  return TIME_WORDS.test(text);
}

/** Zones named in the text (IANA names or known cities), in the order they appear, at most three. */
export function findZones(text: string): string[] {
  const found: Array<{ zone: string; at: number }> = [];
  for (const match of text.matchAll(IANA_NAME)) {
    try {
      found.push({ zone: resolveTimeZone(match[0]), at: match.index });
    } catch {
      // Not a zone ("and/or"): ignore.
    }
  }
  for (const { zone, pattern } of CITY_PATTERNS) {
    const match = pattern.exec(text);
    if (match) found.push({ zone, at: match.index });
  }
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.zone))].slice(0, MAX_ZONES);
}

const INTRO: Record<Language, string> = {
  en: 'Let me check the clock.',
  zh: '我来看一下时间。',
  ja: '時刻を確認します。',
  es: 'Voy a consultar la hora.',
  fr: "Je vais regarder l'heure.",
};

const RESULT: Record<Language, string> = {
  en: 'In {zone} it is {time} on {weekday}, {date} (UTC{offset}).',
  zh: '{zone} 现在是 {date}（{weekday}）{time}，UTC{offset}。',
  ja: '{zone} の現在時刻は {date}（{weekday}）{time}（UTC{offset}）です。',
  es: 'En {zone} la hora es {time}, {weekday} {date} (UTC{offset}).',
  fr: 'À {zone}, il est {time}, {weekday} {date} (UTC{offset}).',
};

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const WEEKDAY_NAMES: Record<Language, string[]> = {
  en: WEEKDAYS,
  zh: ['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'],
  ja: ['月曜日', '火曜日', '水曜日', '木曜日', '金曜日', '土曜日', '日曜日'],
  es: ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'],
  fr: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
};

/** Calls `current_time` once per zone named (once, for UTC, when none is). */
export const timeRule: DemoRule = {
  name: 'time',
  plan(turn: DemoTurn) {
    if (!turn.tools.has('current_time') || !isTimeQuestion(turn.text)) return undefined;
    const zones = findZones(turn.text);
    const calls: PlannedCall[] =
      zones.length === 0
        ? [{ name: 'current_time', arguments: {} }]
        : zones.map((timezone) => ({ name: 'current_time', arguments: { timezone } }));
    return { kind: 'calls', intro: INTRO[turn.language], calls };
  },
  describeResult(result: DemoToolResult, language: Language) {
    if (result.name !== 'current_time' || typeof result.value !== 'object' || result.value === null)
      return undefined;
    const { timezone, date, time, weekday, utc_offset } = result.value as Record<string, unknown>;
    if (![timezone, date, time, weekday, utc_offset].every((v) => typeof v === 'string')) return undefined;
    const index = WEEKDAYS.indexOf(weekday as string);
    return fillTemplate(RESULT[language], {
      zone: timezone as string,
      date: date as string,
      time: time as string,
      weekday: index >= 0 ? WEEKDAY_NAMES[language][index]! : (weekday as string),
      offset: utc_offset as string,
    });
  },
};
