export * from './api-keys';
export * from './programs';
export * from './partners';
export * from './links';
export * from './clicks';
