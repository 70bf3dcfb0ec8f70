export * from './primitives';
export * from './envelope';
export * from './topics';
export * as AllocationEvents from './allocation-events';
export * as CallEvents from './call-events';
export * as WebEvents from './web-events';
export * from './events';
export * from './keys';
export * as HttpApi from './http-api';
