export * from './policy.module';
export * from './decide/decide-registration.handler';
export * from './distribute/policy-distributor';
export * from './policy-config';
