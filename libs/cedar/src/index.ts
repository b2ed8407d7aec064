export * from './policy-error';
export * from './policy-files';
export * from './check-revoked';
export * from './policy-set';
export * from './decide-registration';
export * from './decide-access';
export * from './active-policy';
