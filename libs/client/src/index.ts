export * from './admit-client';
export * from './admit-error';
export * from './types';
