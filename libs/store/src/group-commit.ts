interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Writes many callers' items in one statement: items submitted while a write is in flight wait and
 * go together in the next one, so at rest an item is written at once and under load one statement
 * carries many. Each caller's promise settles when the write holding its item does, with the write's
 * result for its item (`R`, one per item in order; none for a plain write). A group that fails is
 * written again one item at a time, so a bad item fails only its own caller.
 */
export class GroupCommit<T, R = void> {
  private queue: Waiting<T, R>[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly maxItems = 500,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxItems);
      try {
        const results = await this.write(group.map((w) => w.item));
        group.forEach((w, i) => w.resolve(results?.[i] as R));
      } catch (err) {
        if (group.length === 1) group[0].reject(err);
        else for (const w of group) await this.write([w.item]).then((results) => w.resolve(results?.[0] as R), w.reject);
      }
    }
    this.writing = false;
  }
}
