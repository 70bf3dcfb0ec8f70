// A scripted walk through the product for `npm start` (and the fallback when
// the services run on the wall clock): register two listings, show numbers to
// a few visitors, let one of them call, and show what the analysts see.
import pg from 'pg';
import { ROOT, local } from './env.mjs';
import { sleep } from './processes.mjs';

/** The call driver comes from dist/, which `npm start` builds after importing this module: load it on use. */
async function loadCallDriver() {
  const driverModule = await import(`${ROOT}/dist/libs/call-driver/src/index.js`);
  return (driverModule.default ?? driverModule).CallDriver; // CommonJS from dist/
}

async function call(method, url, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${url} → ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function rows(databaseUrl, sql, params = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function scriptedDemo(env, log = console.log) {
  const allocator = local(env.ALLOCATOR_PORT);
  const tag = `demo-${Date.now().toString(36)}`;
  const premium = `${tag}-L1`;
  const standard = `${tag}-L2`;
  log(`\n== demo ${tag}: two listings, three visitors, one call`);
  await call(
    'PUT',
    `${allocator}/v1/listings/${premium}`,
    { dealerId: `${tag}-D1`, forwardTo: '+15557654321', tier: 'premium' },
    env.CALLPOOL_ADMIN_TOKEN,
  );
  await call(
    'PUT',
    `${allocator}/v1/listings/${standard}`,
    { dealerId: `${tag}-D2`, forwardTo: '+15557654322', tier: 'standard' },
    env.CALLPOOL_ADMIN_TOKEN,
  );
  const shown = {};
  for (const visitor of ['v1', 'v2', 'v3']) {
    for (const listing of [premium, standard]) {
      const context = {
        source: visitor === 'v1' ? 'google' : 'facebook',
        searchTerm: 'used honda civic',
        landingPage: `/cars/${listing}`,
      };
      const answer = await call('POST', `${allocator}/v1/displays`, {
        visitorId: `${tag}-${visitor}`,
        sessionId: `${tag}-${visitor}-s1`,
        listingId: listing,
        context,
      });
      shown[`${visitor}/${listing}`] = answer.number;
      log(
        `  ${visitor} on ${listing.slice(-2)}: ${answer.number}  pool=${answer.pool} attribution=${answer.attribution}`,
      );
    }
  }
  const CallDriver = await loadCallDriver();
  const driver = new CallDriver({
    baseUrl: local(env.CALL_INGEST_PORT),
    publicBaseUrl: env.PUBLIC_BASE_URL,
    authToken: env.TWILIO_AUTH_TOKEN,
    accountSid: env.TWILIO_ACCOUNT_SID,
  });
  const placed = await driver.fullCall({
    from: '+15551230001',
    to: shown[`v1/${premium}`],
    answered: true,
    durationS: 95,
  });
  log(
    `  v1 calls ${shown[`v1/${premium}`]} → call-ingest dials ${placed.dial?.number ?? '(nothing)'} (${placed.callSid})`,
  );
  log(`  pool now: ${JSON.stringify(await call('GET', `${allocator}/v1/pool`))}`);
  await showRows(env, tag, placed.callSid, log);
}

async function showRows(env, tag, callSid, log) {
  const deadline = Date.now() + 30000;
  let projected = [];
  while (Date.now() < deadline) {
    projected = await rows(
      env.DATABASE_URL,
      'select call_sid, tracking_number, listing_id, visitor_id, attribution, confidence, source, status, duration_s, answered from calls where call_sid = $1',
      [callSid],
    ).catch(() => []);
    if (projected.length && projected[0].status) break;
    await sleep(500);
  }
  log('\n== what the analysts see (Postgres)');
  log('calls:');
  console.table(projected);
  log('tracking_numbers (this demo):');
  console.table(
    await rows(
      env.DATABASE_URL,
      'select number, state, pool, visitor_id, listing_id, locked_until from tracking_numbers where listing_id like $1 order by number',
      [`${tag}%`],
    ),
  );
  log('visitor_sessions (this demo):');
  console.table(
    await rows(
      env.DATABASE_URL,
      'select session_id, source, search_term, listings_viewed from visitor_sessions where session_id like $1 order by session_id',
      [`${tag}%`],
    ),
  );
}
