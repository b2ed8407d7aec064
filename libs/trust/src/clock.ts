/** The current time. Injected so caches and statement checks can be tested with a frozen clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
