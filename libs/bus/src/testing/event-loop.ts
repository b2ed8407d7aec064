/** One turn of the event loop. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets the event loop run `count` times; used only to show that something did NOT happen. */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await tick();
}

/** Polls `condition` between event-loop turns until it holds, failing after a deadline. */
export async function until(condition: () => boolean, what: string, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

/** A promise the test resolves when it chooses. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}
