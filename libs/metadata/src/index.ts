export * from './client-metadata-rules';
export * from './fetch/fetcher';
