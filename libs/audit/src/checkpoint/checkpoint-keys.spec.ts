// Real: SigningKeys loading and generating key files in a temporary folder; nothing stubbed.
import { SigningKeys } from '@admit/keys';
import { FactoryProvider } from '@nestjs/common';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointKeysProvider, GENERATED_CHECKPOINT_KEY_FILE } from './checkpoint-keys';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'admit-checkpoint-keys-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = (options: Parameters<typeof checkpointKeysProvider>[0], tokenKeys?: SigningKeys) =>
  (checkpointKeysProvider(options) as FactoryProvider<Promise<SigningKeys | undefined>>).useFactory(tokenKeys);

describe('the checkpoint key', () => {
  it('is generated in the data folder apart from the admission-token key, and differs from it', async () => {
    const tokenKeys = await SigningKeys.load({ dataDir: dir });
    const keys = await load({ dataDir: dir }, tokenKeys);
    expect(existsSync(join(dir, GENERATED_CHECKPOINT_KEY_FILE))).toBe(true);
    expect(keys?.kid).toBeDefined();
    expect(keys?.kid).not.toBe(tokenKeys.kid);
  });

  it('refuses the admission-token key file as the checkpoint key (ERR_AUDIT_CHECKPOINT_KEY_SHARED)', async () => {
    const tokenKeys = await SigningKeys.load({ dataDir: dir });
    const shared = join(dir, 'signing-key.json');
    await expect(load({ file: shared }, tokenKeys)).rejects.toMatchObject({
      code: 'ERR_AUDIT_CHECKPOINT_KEY_SHARED',
      message: `ADMIT_CHECKPOINT_KEY_FILE: key ${tokenKeys.kid} is also an admission-token signing key; checkpoints need a key of their own`,
    });
  });

  it('names its own variable when its file cannot be read', async () => {
    await expect(load({ file: join(dir, 'absent.json') })).rejects.toMatchObject({
      code: 'ERR_KEYS_FILE_UNREADABLE',
      message: `ADMIT_CHECKPOINT_KEY_FILE (${join(dir, 'absent.json')}): cannot be read: ENOENT`,
    });
  });

  it('is absent without a file or a data folder: no checkpoints are made', async () => {
    expect(await load(undefined)).toBeUndefined();
  });
});
