import { DynamicModule, Logger, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { AdminTokens } from './admin-tokens';
import { ensureDevAdminToken } from './dev-admin-token';
import { loadAdminTokens } from './load-admin-tokens';

export interface AdminAuthOptions {
  /** ADMIT_ADMIN_TOKENS_FILE; unset means no credentials, so every admin route answers 401. */
  tokensFile?: string;
  /** Embedded mode only: without a tokens file, create a development token in this folder. */
  devTokenDir?: string;
}

/** The admin options the config describes; ADMIT_DATA_DIR (embedded mode only) is where a development token is made. */
export function adminOptions(config: { ADMIT_ADMIN_TOKENS_FILE?: string; ADMIT_DATA_DIR?: string }): AdminAuthOptions {
  return { tokensFile: config.ADMIT_ADMIN_TOKENS_FILE, devTokenDir: config.ADMIT_DATA_DIR };
}

/** The admin credentials, app-wide: `AdminTokens` and `AdminGuard` for `@UseGuards(AdminGuard)`. */
@Module({})
export class AdminAuthModule {
  /** Reads the tokens file now, so a bad one stops the start before anything listens. */
  static forRoot(options: AdminAuthOptions): DynamicModule {
    let tokensFile = options.tokensFile;
    if (!tokensFile && options.devTokenDir) {
      const dev = ensureDevAdminToken(options.devTokenDir);
      tokensFile = dev.tokensFile;
      new Logger('AdminAuth').log(`development admin token (every scope) ${dev.created ? 'created in' : 'read from'} ${dev.tokenFile}`);
    }
    const tokens = loadAdminTokens(tokensFile);
    if (tokens.size === 0) new Logger('AdminAuth').warn('no admin credentials are configured: every admin route answers 401');
    return {
      module: AdminAuthModule,
      global: true,
      providers: [{ provide: AdminTokens, useValue: tokens }, AdminGuard],
      exports: [AdminTokens, AdminGuard],
    };
  }
}
