import { z } from 'zod';

/** Ids the web tier hands us: opaque strings of 1 to 128 characters. */
export const Id = z.string().min(1).max(128);

/** E.164: a plus, a non-zero country digit, at most 15 digits in all. */
export const E164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number like +15551234567');

export const IsoTime = z.string().datetime({ offset: true });

export const Tier = z.enum(['premium', 'standard']);
export type Tier = z.infer<typeof Tier>;

/** Where the number of a display answer came from (CONTRACT.md, POST /v1/displays). */
export const DisplayPool = z.enum(['session', 'locked', 'listing', 'overflow']);
export type DisplayPool = z.infer<typeof DisplayPool>;

export const Attribution = z.enum(['visitor', 'listing', 'none']);
export type Attribution = z.infer<typeof Attribution>;

/** What the web tier knows about how the visitor arrived; first value wins per session. */
export const VisitorContext = z
  .object({
    source: z.string().max(256).optional(),
    searchTerm: z.string().max(512).optional(),
    referrer: z.string().max(2048).optional(),
    landingPage: z.string().max(2048).optional(),
    demographics: z.record(z.string(), z.unknown()).optional(),
  })
  .strip();
export type VisitorContext = z.infer<typeof VisitorContext>;

/**
 * Text Postgres can store. A lone UTF-16 surrogate is valid JSON (`"\ud800"`)
 * that `jsonb` refuses, and `text` cannot hold NUL: accepted at the edge, either
 * would reach the log and be refused by the projector on every retry.
 */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE_CHARACTER.test(value);
}

// NUL is the point of this pattern, not a typo.
// eslint-disable-next-line no-control-regex
const UNSTORABLE_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string of `min` to `max` UTF-16 code units that Postgres can store; refusals carry code `unstorable_text`. */
export function storableText(min: number, max: number) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine(isStorableText, {
      message: 'must not contain NUL or unpaired UTF-16 surrogates',
      params: { code: 'unstorable_text' },
    });
}

/** Ids at the HTTP edge: `Id`, and storable. */
export const StorableId = storableText(1, 128);
