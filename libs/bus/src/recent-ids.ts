/** A bounded set of recently handled event ids: the dedupe memory of one consumer group. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // Sets iterate in insertion order, so the first entry is the oldest.
      this.ids.delete(this.ids.values().next().value as string);
    }
  }
}
