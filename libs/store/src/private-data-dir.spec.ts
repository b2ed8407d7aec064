// Real: the file system, in a temporary folder; nothing stubbed.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrivateDataDir, dataDirWarning, tightenPrivateDataDir } from './private-data-dir';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'admit-data-dir-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the embedded data folder', () => {
  it('is created 0700 when missing, whatever the umask', async () => {
    const dir = join(root, 'a', 'data');
    const previous = process.umask(0);
    try {
      expect(await checkPrivateDataDir(dir)).toEqual({ created: true, open: [], openCount: 0 });
    } finally {
      process.umask(previous);
    }
    expect(mode(dir)).toBe(0o700);
  });

  it('warns naming the folder and what others can reach when an existing folder is open', async () => {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'base'), { recursive: true });
    writeFileSync(join(dir, 'PG_VERSION'), '17');
    writeFileSync(join(dir, 'signing-key.json'), '{}');
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'base'), 0o700);
    chmodSync(join(dir, 'PG_VERSION'), 0o666);
    chmodSync(join(dir, 'signing-key.json'), 0o600);
    const check = await checkPrivateDataDir(dir);
    expect(check).toEqual({ created: false, openCount: 2, open: [{ path: dir, mode: '0755' }, { path: join(dir, 'PG_VERSION'), mode: '0666' }] });
    expect(dataDirWarning('ADMIT_DATA_DIR', dir, check)).toBe(
      `ADMIT_DATA_DIR ${dir} is open to group or others: 2 entries they may read or write, such as ${dir} (0755), ${join(dir, 'PG_VERSION')} (0666); ` +
        `it holds the database and private keys: run chmod -R go-rwx ${dir}`,
    );
    // The operator's folder is reported, not changed.
    expect(await tightenPrivateDataDir(dir)).toBe(0);
    expect(mode(join(dir, 'PG_VERSION'))).toBe(0o666);
  });

  it('takes group and other access away from the files of a private folder (PGlite extracts them 0666)', async () => {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'base', '1'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'base', '1', '1259'), '');
    chmodSync(dir, 0o700);
    chmodSync(join(dir, 'base'), 0o777);
    chmodSync(join(dir, 'base', '1', '1259'), 0o666);
    expect(dataDirWarning('ADMIT_DATA_DIR', dir, await checkPrivateDataDir(dir))).toBeUndefined();
    expect(await tightenPrivateDataDir(dir)).toBe(2);
    expect([mode(join(dir, 'base')), mode(join(dir, 'base', '1', '1259'))]).toEqual([0o700, 0o600]);
  });
});
