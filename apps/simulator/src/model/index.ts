export * from './actions';
export * from './catalog';
export * from './curve';
export * from './options';
export * from './random';
export * from './stats';
export * from './traffic';
