import { z } from 'zod';

/**
 * What the extraction task returns: items found in a document, each checked against this schema
 * and against the document itself before it counts as validated.
 */

export const ITEM_TYPES = [
  'date',
  'amount',
  'percentage',
  'email',
  'url',
  'phone',
  'person',
  'organization',
  'other',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const extractedItemSchema = z.strictObject({
  type: z.enum(ITEM_TYPES),
  /** Exactly as written in the document. */
  value: z.string().min(1).max(500),
  /** A canonical form when there is one: ISO 8601 date, `1234.5 USD`, `12.5%`, lower-cased email. */
  normalized: z.string().min(1).max(500).nullable().default(null),
  /** The text around the value, for a person to check it. */
  context: z.string().max(500).default(''),
  confidence: z.number().min(0).max(1),
});
export type ExtractedItem = z.infer<typeof extractedItemSchema>;

export const rejectedItemSchema = z.object({
  /** Position in `items`. */
  index: z.number().int().nonnegative(),
  reason: z.enum(['schema', 'not_in_document', 'invalid_value', 'low_confidence', 'duplicate']),
  detail: z.string(),
});
export type RejectedItem = z.infer<typeof rejectedItemSchema>;

export const extractionResultSchema = z.object({
  status: z.literal('completed'),
  document_path: z.string(),
  /** Rule-based candidates, or the items the model sent, as they were. */
  items: z.array(z.unknown()),
  validated_items: z.array(extractedItemSchema),
  rejected: z.array(rejectedItemSchema),
});
export type ExtractionResult = z.infer<typeof extractionResultSchema>;

/** Items less sure than this are not validated. */
export const MIN_CONFIDENCE = 0.5;

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/**
 * Checks each item: the schema, that its value occurs in the document (so nothing is invented),
 * that typed values are real (a date exists in the calendar, an email is well formed, an amount is
 * a number), its confidence, and that it is not a repeat. Validated items come back parsed (with
 * defaults filled); the others are listed with why.
 */
export function validateItems(
  items: readonly unknown[],
  document: string,
): { validated: ExtractedItem[]; rejected: RejectedItem[] } {
  const validated: ExtractedItem[] = [];
  const rejected: RejectedItem[] = [];
  const seen = new Set<string>();
  const flatDocument = flatten(document);
  items.forEach((raw, index) => {
    const parsed = extractedItemSchema.safeParse(raw);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`)
        .join('; ');
      rejected.push({ index, reason: 'schema', detail });
      return;
    }
    const item = parsed.data;
    if (!flatDocument.includes(flatten(item.value))) {
      rejected.push({ index, reason: 'not_in_document', detail: item.value });
      return;
    }
    const invalid = checkValue(item);
    if (invalid) {
      rejected.push({ index, reason: 'invalid_value', detail: invalid });
      return;
    }
    if (item.confidence < MIN_CONFIDENCE) {
      rejected.push({ index, reason: 'low_confidence', detail: String(item.confidence) });
      return;
    }
    const key = `${item.type}\u0000${flatten(item.normalized ?? item.value).toLowerCase()}`;
    if (seen.has(key)) {
      rejected.push({ index, reason: 'duplicate', detail: item.value });
      return;
    }
    seen.add(key);
    validated.push(item);
  });
  return { validated, rejected };
}

/** A reason the item's value is not what its type says, or undefined when it is. */
function checkValue(item: ExtractedItem): string | undefined {
  switch (item.type) {
    case 'date': {
      const iso = item.normalized ?? item.value;
      return isCalendarDate(iso) ? undefined : `"${iso}" is not a date in the calendar (YYYY-MM-DD)`;
    }
    case 'email': {
      const email = item.normalized ?? item.value;
      return EMAIL.test(email) ? undefined : `"${email}" is not an email address`;
    }
    case 'url':
      return URL.canParse(item.normalized ?? item.value) ? undefined : `"${item.value}" is not a URL`;
    case 'amount':
    case 'percentage': {
      const number = /-?\d+(?:\.\d+)?/.exec((item.normalized ?? item.value).replace(/[,\s]/g, ''));
      return number && Number.isFinite(Number(number[0])) ? undefined : `"${item.value}" has no number`;
    }
    default:
      return undefined;
  }
}

export function isCalendarDate(iso: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ');
}
