import { DynamicModule, Logger, Module } from '@nestjs/common';
import { SigningKeys, SigningKeysOptions } from './signing-keys';

/** Provides SigningKeys to every module of the app, loaded (or generated) once, at start. */
@Module({})
export class KeysModule {
  static forRoot(options: SigningKeysOptions): DynamicModule {
    return {
      module: KeysModule,
      global: true,
      providers: [
        {
          provide: SigningKeys,
          useFactory: async () => {
            const keys = await SigningKeys.load(options);
            // The kid and algorithm only: key material is never logged.
            new Logger('Keys').log(`signing with key ${keys.kid} (${keys.alg}); publishing ${keys.publicJwks().keys.length}`);
            return keys;
          },
        },
      ],
      exports: [SigningKeys],
    };
  }
}
