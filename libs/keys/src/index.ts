export * from './keys-error';
export * from './signing-algorithms';
export * from './signing-keys';
export * from './keys.module';
export * from './keys-config';
export { GENERATED_KEY_FILE, newKeySetText } from './generated-key';
