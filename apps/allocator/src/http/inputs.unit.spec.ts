import fc from 'fast-check';
import { isStorableText } from '@callpool/contracts';
import { ApiError, parseInput } from '@callpool/service-kit';
import { DealerWebhookRequest, DisplayRequest, FETCH_BLOCKED_PORTS, INPUT_LIMITS, PageViewRequest } from './inputs';

const display = (extra: Record<string, unknown> = {}) => ({
  visitorId: 'v-1',
  sessionId: 's-1',
  listingId: 'L-1',
  ...extra,
});
const view = (extra: Record<string, unknown> = {}) => ({
  visitorId: 'v-1',
  sessionId: 's-1',
  url: '/cars/L-1',
  action: 'view',
  ...extra,
});

function refusal(schema: typeof DisplayRequest | typeof PageViewRequest, body: unknown): ApiError {
  try {
    parseInput(schema, body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

/** Every string inside a value, however deep. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  return [];
}

describe('allocator request bodies', () => {
  it.each([
    ['a lone high surrogate in the context', display({ context: { searchTerm: 'civic \ud800' } })],
    ['a lone low surrogate in an id', display({ visitorId: '\udc00v' })],
    ['a NUL in a demographic value', display({ context: { demographics: { region: 'C\u0000A' } } })],
    ['a NUL in a demographic key', display({ context: { demographics: { ['re\u0000gion']: 'CA' } } })],
  ])('refuses what Postgres cannot store with 400 unstorable_text: %s', (_what, body) => {
    const error = refusal(DisplayRequest, body);
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'unstorable_text' });
  });

  it('refuses unstorable text in page views too, and accepts a well-formed surrogate pair', () => {
    expect(refusal(PageViewRequest, view({ url: '/cars/\ud83d' })).code).toBe('unstorable_text');
    expect(parseInput(PageViewRequest, view({ url: '/cars/🚗' })).url).toBe('/cars/🚗');
  });

  it('bounds demographics: flat scalars, a number of keys, and the context as a whole', () => {
    const keys = Object.fromEntries(Array.from({ length: INPUT_LIMITS.demographicKeys + 1 }, (_, i) => [`k${i}`, 'x']));
    expect(refusal(DisplayRequest, display({ context: { demographics: keys } })).code).toBe('invalid_request');
    expect(refusal(DisplayRequest, display({ context: { demographics: { a: { b: 1 } } } })).status).toBe(400);
    const big = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'x'.repeat(250)]));
    const whole = refusal(DisplayRequest, display({ context: { demographics: big } }));
    expect(whole.message).toContain(`at most ${INPUT_LIMITS.contextBytes} bytes`);
    const fits = { ageBand: '25-34', region: 'CA', returning: true, visits: 3, income: null };
    expect(parseInput(DisplayRequest, display({ context: { demographics: fits } })).context).toEqual({
      demographics: fits,
    });
  });

  it('accepts only storable, bounded strings whatever arbitrary JSON arrives (fuzzed)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const body = fc.record(
      {
        visitorId: fc.oneof(text, fc.jsonValue()),
        sessionId: text,
        listingId: text,
        context: fc.oneof(
          fc.jsonValue(),
          fc.record({
            source: text,
            searchTerm: text,
            demographics: fc.dictionary(text, fc.oneof(text, fc.jsonValue())),
          }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(body, (input) => {
        const parsed = DisplayRequest.safeParse(input);
        if (!parsed.success) return;
        expect(stringsOf(parsed.data).every(isStorableText)).toBe(true);
        expect(Buffer.byteLength(JSON.stringify(parsed.data.context ?? {}))).toBeLessThanOrEqual(
          INPUT_LIMITS.contextBytes,
        );
      }),
      { numRuns: 500 },
    );
  });

  describe('dealer webhook URL', () => {
    const secret = 'dealer-secret-0123456789';
    it('refuses a port that fetch will not call, and says which', () => {
      const parsed = DealerWebhookRequest.safeParse({ webhookUrl: 'http://crm.example.com:6000/calls', secret });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([
        'port 6000 is one that HTTP clients refuse to call; use another',
      ]);
    });

    it.each(['https://crm.example.com/calls', 'http://crm.example.com:8080/calls', 'https://10.0.0.7:8443/x'])(
      'accepts %s',
      (webhookUrl) => expect(DealerWebhookRequest.safeParse({ webhookUrl, secret }).success).toBe(true),
    );

    // The list is the Fetch standard's; this keeps it equal to what this Node's fetch refuses.
    it("blocks exactly the ports Node's fetch refuses as 'bad port' (1 to 11000)", async () => {
      const refused: number[] = [];
      // A thousand at a time: an allowed port is tried (nothing listens on most, so it is refused
      // at once); a blocked one fails before any connection.
      for (let first = 1; first <= 11_000; first += 1000) {
        const ports = Array.from({ length: 1000 }, (_, index) => first + index);
        await Promise.all(
          ports.map((port) =>
            fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) }).then(
              (answer) => answer.body?.cancel(),
              (error: Error) => {
                if ((error.cause as Error | undefined)?.message === 'bad port') refused.push(port);
              },
            ),
          ),
        );
      }
      expect(refused.sort((a, b) => a - b)).toEqual([...FETCH_BLOCKED_PORTS]);
    });
  });
});
