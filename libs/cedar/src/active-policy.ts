import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { PolicySetPublished, Topic } from '@admit/contracts';
import { PolicyNotReadyError } from './policy-error';
import { PolicySet } from './policy-set';

/** The key the active policy set is published under on `admit.policies.v1`. */
export const ACTIVE_POLICY_KEY = 'active';

/**
 * What follows `admit.policies.v1`: the bus's TopicFollower fits. Declared here so this capability
 * lib needs no bus: the module that imports ActivePolicyModule names the follower it provides.
 */
export interface PolicyFeed {
  follow(topic: typeof Topic.Policies, apply: (key: string, event: { data: PolicySetPublished } | null) => void): Promise<void>;
}

export const POLICY_FEED = Symbol('POLICY_FEED');

/**
 * The policy set this instance decides with: the one last published under `active`. Every instance
 * that reads the topic to its end holds the same version; a change reaches each without a restart.
 */
@Injectable()
export class ActivePolicy {
  private readonly logger = new Logger('ActivePolicy');
  private set: PolicySet | undefined;
  private readonly listeners: ((set: PolicySet) => void)[] = [];

  /** The current set; throws ERR_POLICY_NOT_READY before one was read from the topic. */
  current(): PolicySet {
    if (!this.set) throw new PolicyNotReadyError(`no policy set has been read from ${Topic.Policies} yet`);
    return this.set;
  }

  get version(): string | undefined {
    return this.set?.version;
  }

  /** Calls `listener` with every set that becomes active from now on. */
  onChange(listener: (set: PolicySet) => void): void {
    this.listeners.push(listener);
  }

  /**
   * One record of `admit.policies.v1`. A set that does not load is logged and skipped: the running
   * version stays. A tombstone is ignored for the same reason: deciding under no policy is no option.
   */
  apply(key: string, event: { data: PolicySetPublished } | null): void {
    if (key !== ACTIVE_POLICY_KEY) return this.logger.warn(`${Topic.Policies}: ignored the record under ${JSON.stringify(key.slice(0, 64))}`);
    if (event === null) return this.logger.warn(`${Topic.Policies}: ignored a tombstone for ${key}; keeping ${this.version ?? 'no version'}`);
    if (event.data.version === this.version) return;
    let next: PolicySet;
    try {
      next = PolicySet.fromPublished(event.data);
    } catch (err) {
      return this.logger.error(`${Topic.Policies}: kept ${this.version ?? 'no version'}; version ${event.data.version} does not load: ${String(err)}`);
    }
    this.set = next;
    this.logger.log(`policy set ${next.version} is active`);
    for (const listener of this.listeners) listener(next);
  }
}

@Injectable()
class ActivePolicyFollower implements OnApplicationBootstrap {
  constructor(
    @Inject(POLICY_FEED) private readonly feed: PolicyFeed,
    private readonly active: ActivePolicy,
  ) {}

  onApplicationBootstrap(): void {
    // After every module's init, so a set the policy service published at start is part of what it
    // catches up with. Not awaited: the process serves /health meanwhile, and readiness names the topic.
    this.feed
      .follow(Topic.Policies, (key, event) => this.active.apply(key, event))
      .catch((err: unknown) => new Logger('ActivePolicy').error(`cannot follow ${Topic.Policies}: ${String(err)}`));
  }
}

/**
 * Provides ActivePolicy, following `admit.policies.v1` through `feed` (pass the bus's TopicFollower):
 * `ActivePolicyModule.forFeed(TopicFollower)`.
 */
@Global()
@Module({})
export class ActivePolicyModule {
  static forFeed(feed: abstract new (...args: never[]) => PolicyFeed): DynamicModule {
    return {
      module: ActivePolicyModule,
      providers: [ActivePolicy, ActivePolicyFollower, { provide: POLICY_FEED, useExisting: feed }],
      exports: [ActivePolicy],
    };
  }
}
