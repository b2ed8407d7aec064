export * from './policy.module';
export * from './cedar/policy-set';
export * from './decide/decide-registration.handler';
