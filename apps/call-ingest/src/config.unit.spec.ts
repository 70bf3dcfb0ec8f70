import { loadCallIngestConfig } from './config';

describe('call-ingest configuration', () => {
  it('refuses to start without a Twilio auth token, naming the variable', () => {
    expect(() => loadCallIngestConfig({})).toThrow(/TWILIO_AUTH_TOKEN \(unset\): required/);
    expect(() => loadCallIngestConfig({ TWILIO_AUTH_TOKEN: '' })).toThrow(/TWILIO_AUTH_TOKEN/);
  });

  it('names a main line that is not E.164', () => {
    expect(() => loadCallIngestConfig({ TWILIO_AUTH_TOKEN: 't', DIRECTORY_MAIN_LINE: '555-0100' })).toThrow(
      /DIRECTORY_MAIN_LINE \("555-0100"\)/,
    );
  });

  it('has the contract’s defaults and drops a trailing slash from the public URL', () => {
    const config = loadCallIngestConfig({ TWILIO_AUTH_TOKEN: 't', PUBLIC_BASE_URL: 'https://calls.example.com/' });
    expect(config).toMatchObject({
      CALL_INGEST_PORT: 3002,
      PUBLIC_BASE_URL: 'https://calls.example.com',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      CALLPOOL_CLOCK: 'wall',
      ATTRIBUTION_WINDOW_SECONDS: 604800,
      DIAL_TIMEOUT_SECONDS: 25,
      CALL_INGEST_DATA_DIR: '.data/call-ingest',
    });
    expect(loadCallIngestConfig({ TWILIO_AUTH_TOKEN: 't' }).PUBLIC_BASE_URL).toBe('http://127.0.0.1:3002');
  });

  it('refuses a public URL that is not http(s)', () => {
    expect(() => loadCallIngestConfig({ TWILIO_AUTH_TOKEN: 't', PUBLIC_BASE_URL: 'ftp://x' })).toThrow(
      /PUBLIC_BASE_URL/,
    );
  });
});
