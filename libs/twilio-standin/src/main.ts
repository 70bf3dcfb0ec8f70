import { DEV_ACCOUNT_SID, DEV_AUTH_TOKEN, startTwilioStandIn } from './server';

// The local Twilio REST stand-in as a process, for `npm run up` and manual runs.
async function main(): Promise<void> {
  const port = Number(process.env.TWILIO_STANDIN_PORT ?? 3010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`TWILIO_STANDIN_PORT must be a port number, got "${process.env.TWILIO_STANDIN_PORT}"`);
    process.exit(1);
  }
  const accountSid = process.env.TWILIO_ACCOUNT_SID || DEV_ACCOUNT_SID;
  if (!accountSid.startsWith('AC')) {
    console.error('TWILIO_ACCOUNT_SID must start with AC (the twilio library refuses anything else)');
    process.exit(1);
  }
  const standIn = await startTwilioStandIn({
    port,
    host: process.env.TWILIO_STANDIN_HOST || '127.0.0.1',
    accountSid,
    authToken: process.env.TWILIO_AUTH_TOKEN || DEV_AUTH_TOKEN,
  });
  console.log(
    `twilio-standin listening on ${standIn.url} (account ${standIn.accountSid}); TWILIO_API_URL=${standIn.url}`,
  );
  const stop = () => {
    standIn.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error('twilio-standin failed to start:', error);
  process.exit(1);
});
