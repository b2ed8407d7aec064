import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Publisher } from '@admit/bus';
import { ACTIVE_POLICY_KEY, PolicySet, policyVersion, readPolicyDir } from '@admit/cedar';
import { Topic } from '@admit/contracts';

export const POLICY_OPTIONS = Symbol('POLICY_OPTIONS');
export interface PolicyOptions {
  /** Folder of `admit.cedarschema` and `*.cedar` files. */
  policyDir: string;
  /** How often the folder is read for changes, in ms; 0 never reads it again. */
  reloadMs: number;
}

/**
 * Loads the policy folder at start (an invalid set stops the start with Cedar's message), publishes
 * it on `admit.policies.v1` under `active`, and publishes every later valid change of the folder. An
 * invalid change is logged and the running version stays. Decisions use the set read back from the
 * topic (ActivePolicy), so every instance decides with the same version.
 */
@Injectable()
export class PolicyDistributor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PolicyDistributor');
  /** The last version read from the folder, valid or not: each change is published or logged once. */
  private seen: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly publisher: Publisher,
    @Inject(POLICY_OPTIONS) private readonly options: PolicyOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const set = PolicySet.load(this.options.policyDir);
    this.seen = set.version;
    await this.publish(set);
    if (this.options.reloadMs > 0) {
      this.timer = setInterval(() => void this.check(), this.options.reloadMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reads the folder once; publishes it when it changed and is valid. Returns the version it found. */
  async check(): Promise<string | undefined> {
    if (this.checking) return undefined;
    this.checking = true;
    try {
      // Reading and hashing is cheap; Cedar parses only a version not seen before.
      const files = readPolicyDir(this.options.policyDir);
      const version = policyVersion(files);
      if (version === this.seen) return version;
      this.seen = version;
      await this.publish(PolicySet.fromFiles(files));
      return version;
    } catch (err) {
      this.logger.error(`policy change in ${this.options.policyDir} not applied; the running version stays: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      this.checking = false;
    }
  }

  private async publish(set: PolicySet): Promise<void> {
    await this.publisher.publish(Topic.Policies, set.toPublished(), { subject: ACTIVE_POLICY_KEY });
    this.logger.log(`published policy set ${set.version} (${set.policyIds.length} policies)`);
  }
}
