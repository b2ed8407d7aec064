export * from './revocation.module';
export * from './revocation-options';
