export * from './call-driver';
export { callParams, newCallSid, parseDial } from './twilio-params';
export type { CallParties, DialTarget } from './twilio-params';
