export * from './format';
export * from './rows';
export * from './rule';
