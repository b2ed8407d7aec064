import { Topic } from '@admit/contracts';
import { InProcessBroker } from '../in-process/in-process-broker';
import { RawApply, TopicFollower } from './topic-follower';

/** Follows a compacted topic of the in-process broker: the retained latest record per key, then live changes. */
export class InProcessFollower extends TopicFollower {
  private readonly stops: (() => void)[] = [];

  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  protected async start(topic: Topic, deliver: RawApply): Promise<void> {
    this.stops.push(this.broker.follow(topic, (m) => deliver(m.key, m.headers, m.value)));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stops.splice(0).forEach((stop) => stop());
  }
}
