import { XMLParser } from 'fast-xml-parser';

export interface DialTarget {
  number: string;
  action: string | null;
  timeout: number | null;
}

/** One `<Say>` of the caller menu that names a digit: "For the 2019 Honda Civic at Smith Motors, press 1." */
export interface MenuOption {
  digit: string;
  text: string;
}

/** The caller menu of CONTRACT.md v3: a one-digit `<Gather>` and the `<Redirect>` Twilio follows on no input. */
export interface CallerMenu {
  /** Where Twilio posts the digit (the Gather's `action`). */
  action: string;
  /** Where Twilio goes when the caller presses nothing (the `<Redirect>` after the Gather), else null. */
  redirect: string | null;
  /** Every `<Say>` inside the Gather that names a digit, in the order they are spoken. */
  options: MenuOption[];
  /** Every `<Say>` inside the Gather (greeting included). */
  spoken: string[];
}

type Node = string | { '#text'?: string; [attribute: string]: unknown };
type Verbs = Record<string, Node[] | undefined>;

const VERBS = ['Say', 'Gather', 'Redirect', 'Dial', 'Number', 'Play', 'Pause', 'Hangup'];
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => VERBS.includes(name),
});

function response(twiml: string): Verbs | null {
  try {
    const document = parser.parse(twiml) as { Response?: Verbs | string };
    return typeof document.Response === 'object' ? document.Response : null;
  } catch {
    return null;
  }
}

const text = (node: Node | undefined): string =>
  (typeof node === 'string' ? node : String(node?.['#text'] ?? '')).trim();
const attribute = (node: Node | undefined, name: string): string | null =>
  typeof node === 'object' && node[name] !== undefined ? String(node[name]) : null;

/** The `<Dial>` of a TwiML answer: where the call rings and where the dial outcome goes. */
export function parseDial(twiml: string): DialTarget | null {
  const dial = response(twiml)?.Dial?.[0];
  if (dial === undefined) return null;
  const numbered = typeof dial === 'object' ? (dial.Number as Node[] | undefined)?.[0] : undefined;
  const timeout = attribute(dial, 'timeout');
  return {
    number: text(numbered ?? dial),
    action: attribute(dial, 'action'),
    timeout: timeout === null ? null : Number(timeout),
  };
}

/** The caller menu a TwiML answer plays, or null when it plays none (e.g. it dials at once). */
export function parseMenu(twiml: string): CallerMenu | null {
  const verbs = response(twiml);
  const gather = verbs?.Gather?.[0];
  const action = attribute(gather, 'action');
  if (typeof gather !== 'object' || action === null) return null;
  const spoken = ((gather.Say as Node[] | undefined) ?? []).map(text);
  const options = spoken.flatMap((line) => {
    const digit = /\bpress\s+(\d)\b/i.exec(line)?.[1];
    return digit === undefined ? [] : [{ digit, text: line }];
  });
  const redirect = verbs?.Redirect?.[0];
  return { action, redirect: redirect === undefined ? null : text(redirect), options, spoken };
}
