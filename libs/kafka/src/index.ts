export * from './client';
export * from './topics';
export * from './producers';
export * from './consumer';
