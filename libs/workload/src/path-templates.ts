import { prefixSegments, startsWithSegments } from './spiffe-id';

/** Client metadata for the workloads under a path prefix of a trust domain. */
export interface PathTemplate {
  /** e.g. `ns/payments/`: matches `ns/payments/api`, never `ns/payments2`. */
  prefix: string;
  metadata: Record<string, unknown>;
}

/**
 * The template for a workload's path: the most specific prefix that matches whole segments, or none.
 * A workload asserts nothing about itself beyond its identity; its metadata is the anchor's.
 */
export function templateFor(templates: PathTemplate[], segments: string[]): PathTemplate | undefined {
  let best: { template: PathTemplate; length: number } | undefined;
  for (const template of templates) {
    const prefix = prefixSegments(template.prefix);
    if (startsWithSegments(segments, prefix) && (!best || prefix.length > best.length)) best = { template, length: prefix.length };
  }
  return best?.template;
}
