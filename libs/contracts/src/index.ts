export * from './lib/admin';
export * from './lib/errors';
export * from './lib/events';
export * from './lib/limits';
export * from './lib/models';
export * from './lib/rest';
export * from './lib/socket';
export * from './lib/timeline';
