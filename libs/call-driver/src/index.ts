export * from './call-driver';
export { callParams, newCallSid } from './twilio-params';
export type { CallParties } from './twilio-params';
export { parseDial, parseMenu } from './twiml';
export type { CallerMenu, DialTarget, MenuOption } from './twiml';
