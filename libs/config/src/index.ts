export * from './config';
export * from './production';
