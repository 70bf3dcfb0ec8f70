export * from './numbers.port';
export * from './twilio-numbers';
export * from './signature';
export * from './twilio-failure';
export { RebasedRequestClient } from './rebased-request-client';
