import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import { isJsonObject, stringField } from '../json.ts';

export interface Subscription {
  readonly protocol: string;
  readonly endpoint: string;
}

export interface TopicDelivery {
  readonly at: string;
  readonly topicArn: string;
  readonly subject: string;
  readonly message: string;
  /** Where SNS would send it: local mode prints it instead (no e-mail leaves this machine). */
  readonly subscriptions: readonly Subscription[];
}

/** The template's SNS topics with their subscriptions (AWS::SNS::Subscription or the topic's own list). */
const subscriptionsOf = (resources: readonly ResolvedResource[]): Map<string, Subscription[]> => {
  const byTopic = new Map<string, Subscription[]>();
  const add = (topicArn: string, subscription: Subscription) =>
    byTopic.set(topicArn, [...(byTopic.get(topicArn) ?? []), subscription]);
  for (const resource of resources) {
    if (resource.type === 'AWS::SNS::Subscription') {
      const topicArn = stringField(resource.properties, 'TopicArn');
      const protocol = stringField(resource.properties, 'Protocol');
      const endpoint = stringField(resource.properties, 'Endpoint');
      if (topicArn && protocol && endpoint) add(topicArn, { protocol, endpoint });
    }
    if (resource.type === 'AWS::SNS::Topic' && Array.isArray(resource.properties.Subscription)) {
      for (const inline of resource.properties.Subscription.filter(isJsonObject)) {
        const protocol = stringField(inline, 'Protocol');
        const endpoint = stringField(inline, 'Endpoint');
        if (protocol && endpoint) add(resource.identity.ref, { protocol, endpoint });
      }
    }
  }
  return byTopic;
};

/**
 * SNS topics on this machine: a publish is recorded and printed with the subscriptions it would reach (an
 * e-mail subscription is printed, not sent). Who may publish is IAM's to decide before (the topic policy).
 */
export class LocalTopics {
  private readonly topics: ReadonlyMap<string, readonly Subscription[]>;
  private readonly delivered: TopicDelivery[] = [];

  constructor(
    resources: readonly ResolvedResource[],
    private readonly print: (line: string) => void,
    private readonly limit = 200,
  ) {
    const subscriptions = subscriptionsOf(resources);
    this.topics = new Map(
      ofType(resources, 'AWS::SNS::Topic').map((topic) => [
        topic.identity.ref,
        subscriptions.get(topic.identity.ref) ?? [],
      ]),
    );
  }

  exists(topicArn: string): boolean {
    return this.topics.has(topicArn);
  }

  publish(topicArn: string, subject: string, message: string): TopicDelivery | undefined {
    const subscriptions = this.topics.get(topicArn);
    if (!subscriptions) return undefined;
    const delivery = { at: new Date().toISOString(), topicArn, subject, message, subscriptions };
    this.delivered.push(delivery);
    if (this.delivered.length > this.limit) this.delivered.shift();
    const to =
      subscriptions.length === 0
        ? 'no subscription'
        : subscriptions.map((subscription) => `${subscription.protocol} ${subscription.endpoint}`).join(', ');
    this.print(`[sns] ${topicArn.split(':').pop()} → ${to}: ${subject}`);
    return delivery;
  }

  deliveries(): readonly TopicDelivery[] {
    return [...this.delivered];
  }
}
