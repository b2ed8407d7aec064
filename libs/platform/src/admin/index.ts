export * from './admin-scope';
export * from './admin-token';
export * from './admin-tokens';
export * from './admin.guard';
export * from './admin-auth.module';
export * from './dev-admin-token';
export * from './load-admin-tokens';
