export * from './number-lifecycle';
export * from './number-record';
export * from './call-candidates';
