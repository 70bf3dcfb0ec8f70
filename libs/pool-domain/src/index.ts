export * from './policy';
export * from './events';
export * from './errors';
export * from './commands';
export * from './state';
export * from './decide';
export * from './evolve';
export * from './sizing';
export { addMonths, nextRenewal } from './decide-provisioning';
