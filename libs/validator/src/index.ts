export * from './validator.module';
export * from './registration/client-metadata-rules';
