interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes many callers' items in one statement: items submitted while a write is in flight wait and
 * go together in the next one, so at rest an item is written at once and under load one statement
 * carries many. Each caller's promise settles when the write holding its item does. A group that
 * fails is written again one item at a time, so a bad item fails only its own caller.
 */
export class GroupCommit<T> {
  private queue: Waiting<T>[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxItems = 500,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxItems);
      try {
        await this.write(group.map((w) => w.item));
        for (const w of group) w.resolve();
      } catch (err) {
        if (group.length === 1) group[0].reject(err);
        else for (const w of group) await this.write([w.item]).then(w.resolve, w.reject);
      }
    }
    this.writing = false;
  }
}
