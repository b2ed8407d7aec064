import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Files listed by name in the warning about an open data folder; the count covers the rest. */
const LISTED = 3;
/** A data folder holds about a thousand files; the walk stops well after that. */
const MAX_WALK = 20_000;

export interface DataDirCheck {
  /** True when the folder was created here (mode 0700). */
  created: boolean;
  /** The folder itself, or files in it, that group or others may read or write; empty when private. */
  open: { path: string; mode: string }[];
  /** How many open entries there are in all (`open` lists the first few). */
  openCount: number;
}

/**
 * The embedded store's folder holds the database files, the signing and checkpoint keys and the
 * development admin token: only the service's user may read or write them. A missing folder is
 * created 0700; an existing one is checked, and what group or others can reach is reported, so the
 * operator can close it (Admit does not change the modes of a folder it did not create).
 */
export async function checkPrivateDataDir(path: string): Promise<DataDirCheck> {
  const existing = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!existing) {
    await mkdir(path, { recursive: true, mode: 0o700 });
    return { created: true, open: [], openCount: 0 };
  }
  // Inside a private folder nothing is reachable by others; tightenPrivateDataDir tidies the modes.
  if ((existing.mode & 0o077) === 0) return { created: false, open: [], openCount: 0 };
  const open: DataDirCheck['open'] = [];
  let openCount = 0;
  let seen = 0;
  const visit = async (entry: string, mode: number, isDir: boolean): Promise<void> => {
    if (++seen > MAX_WALK) return;
    if ((mode & 0o077) !== 0) {
      openCount++;
      if (open.length < LISTED) open.push({ path: entry, mode: (mode & 0o777).toString(8).padStart(4, '0') });
    }
    if (!isDir) return;
    for (const child of await readdir(entry, { withFileTypes: true })) {
      if (child.isSymbolicLink()) continue;
      const childPath = join(entry, child.name);
      const stats = await lstat(childPath);
      await visit(childPath, stats.mode, stats.isDirectory());
    }
  };
  await visit(path, existing.mode, existing.isDirectory());
  return { created: false, open, openCount };
}

/**
 * Takes group and other access away from everything under a folder that is itself private (0700):
 * PGlite extracts its initial files world-writable whatever the umask. A folder that is open is the
 * operator's to close; it is warned about, never changed.
 */
export async function tightenPrivateDataDir(path: string): Promise<number> {
  const root = await lstat(path);
  if ((root.mode & 0o077) !== 0) return 0;
  let changed = 0;
  let seen = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const child of await readdir(dir, { withFileTypes: true })) {
      if (++seen > MAX_WALK || child.isSymbolicLink()) continue;
      const childPath = join(dir, child.name);
      const { mode } = await lstat(childPath);
      if ((mode & 0o077) !== 0) {
        await chmod(childPath, mode & 0o700);
        changed++;
      }
      if (child.isDirectory()) await walk(childPath);
    }
  };
  await walk(path);
  return changed;
}

/** The warning for an open data folder, naming it and what is open; undefined when it is private. */
export function dataDirWarning(variable: string, path: string, check: DataDirCheck): string | undefined {
  if (check.openCount === 0) return undefined;
  const listed = check.open.map((o) => `${o.path} (${o.mode})`).join(', ');
  return (
    `${variable} ${path} is open to group or others: ${check.openCount} entr${check.openCount === 1 ? 'y' : 'ies'} they may read or write, ` +
    `such as ${listed}${check.openCount > check.open.length ? ', …' : ''}; it holds the database and private keys: run chmod -R go-rwx ${path}`
  );
}
