import { applyNumber, captureContext, formatNumber, postJson, readCookie } from './callpool-snippet';

describe('page snippet: the context of a session', () => {
  it('takes source and search term from UTM parameters and keeps every parameter in the landing page', () => {
    const context = captureContext(
      'https://cars.example/cars/L-1?utm_source=newsletter&utm_medium=email&utm_term=civic&gclid=abc',
      'https://mail.example.com/inbox',
    );
    expect(context).toEqual({
      source: 'newsletter',
      searchTerm: 'civic',
      referrer: 'https://mail.example.com/inbox',
      landingPage: '/cars/L-1?utm_source=newsletter&utm_medium=email&utm_term=civic&gclid=abc',
    });
  });

  it('names the ad network of a click id when there is no utm_source', () => {
    expect(captureContext('https://cars.example/cars/L-1?gclid=xyz', '').source).toBe('google');
    expect(captureContext('https://cars.example/?msclkid=1', '').source).toBe('bing');
  });

  it('names a search engine or site from the referrer, with its query as the search term', () => {
    expect(captureContext('https://cars.example/cars/L-1', 'https://www.bing.com/search?q=used+civic')).toMatchObject({
      source: 'bing',
      searchTerm: 'used civic',
      referrer: 'https://www.bing.com/search?q=used+civic',
    });
    expect(captureContext('https://cars.example/', 'https://www.google.co.uk/').source).toBe('google');
    expect(captureContext('https://cars.example/', 'https://www.autoblog.example/review').source).toBe(
      'autoblog.example',
    );
  });

  it('is direct with no referrer, and ignores the own site as a referrer', () => {
    expect(captureContext('https://cars.example/cars/L-2', '')).toEqual({ source: 'direct', landingPage: '/cars/L-2' });
    expect(captureContext('https://cars.example/cars/L-2', 'https://cars.example/search?q=civic')).toEqual({
      source: 'direct',
      landingPage: '/cars/L-2',
    });
  });

  it('cuts values to what the allocator accepts', () => {
    const long = 'x'.repeat(3000);
    const context = captureContext(`https://cars.example/${long}?utm_source=${long}`, '');
    expect(context.landingPage).toHaveLength(2048);
    expect(context.source).toHaveLength(256);
  });
});

describe('page snippet: cookies and numbers', () => {
  it('reads its cookies among others', () => {
    expect(readCookie('a=1; callpool_vid=v%3A1; callpool_sid=s-2', 'callpool_vid')).toBe('v:1');
    expect(readCookie('xcallpool_sid=nope', 'callpool_sid')).toBeNull();
  });

  it('replaces the text and the tel: link of a marked element, and nothing else', () => {
    const attributes: Record<string, string> = { href: 'tel:+15557654321', class: 'phone' };
    const element = {
      textContent: '(555) 765-4321' as string | null,
      getAttribute: (name: string) => attributes[name] ?? null,
      setAttribute: (name: string, value: string) => void (attributes[name] = value),
    };
    applyNumber(element, { number: '+15550000001', pool: 'session' });
    expect(element.textContent).toBe('(555) 000-0001');
    expect(attributes).toEqual({ href: 'tel:+15550000001', class: 'phone', 'data-callpool-pool': 'session' });
    expect(formatNumber('+442071234567')).toBe('+442071234567');
  });
});

describe("page snippet: fails safe to the page's own number", () => {
  const ok = (body: unknown) => Promise.resolve({ ok: true, json: () => Promise.resolve(body) });

  it('resolves to the answer when the allocator answers in time', async () => {
    const answer = { number: '+15550000001', pool: 'session' };
    await expect(postJson(() => ok(answer), '/v1/displays', {}, 100)).resolves.toEqual(answer);
  });

  it('resolves to null, never throws, on a timeout, a network error, an error answer or a bad body', async () => {
    const signals: AbortSignal[] = [];
    const hang = (_url: string, init: Record<string, unknown>) => {
      signals.push(init.signal as AbortSignal);
      return new Promise<never>(() => undefined);
    };
    const started = Date.now();
    await expect(postJson(hang, '/v1/displays', {}, 50)).resolves.toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(signals[0].aborted).toBe(true); // the request is cancelled, not left hanging
    await expect(postJson(() => Promise.reject(new TypeError('Failed to fetch')), '/x', {}, 50)).resolves.toBeNull();
    await expect(
      postJson(() => Promise.resolve({ ok: false, json: () => ok({}) as never }), '/x', {}, 50),
    ).resolves.toBeNull();
    await expect(
      postJson(() => Promise.resolve({ ok: true, json: () => Promise.reject(new SyntaxError('x')) }), '/x', {}, 50),
    ).resolves.toBeNull();
    await expect(
      postJson(
        () => {
          throw new Error('sync');
        },
        '/x',
        {},
        50,
      ),
    ).resolves.toBeNull();
  });
});
