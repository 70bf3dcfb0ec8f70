/** The page snippet's internals, exported when it is loaded outside a browser (unit tests). */
export interface SnippetContext {
  source?: string;
  searchTerm?: string;
  referrer?: string;
  landingPage?: string;
}

export interface SnippetElement {
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  textContent: string | null;
}

export type FetchLike = (
  url: string,
  init: Record<string, unknown>,
) => Promise<{ ok: boolean; json(): Promise<unknown> }>;

export function captureContext(href: string, referrer: string): SnippetContext;
export function readCookie(cookies: string, name: string): string | null;
export function formatNumber(e164: string): string;
export function applyNumber(element: SnippetElement, answer: { number: string; pool: string }): void;
export function postJson(
  fetchFn: FetchLike,
  url: string,
  body: unknown,
  timeoutMs: number,
  keepalive?: boolean,
): Promise<Record<string, unknown> | null>;
