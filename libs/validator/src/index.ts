export * from './validator.module';
