export * from './errors';
export * from './health';
export * from './metrics';
export * from './clock';
export * from './service-kit.module';
export * from './bootstrap';
export * from './api-docs';
