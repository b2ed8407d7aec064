export * from './config/load-config';
export * from './config/config-fragments';
export * from './http/api-error';
export * from './http/json-body.pipe';
export * from './start-service';
export * from './run-distributed';
export * from './admin';
