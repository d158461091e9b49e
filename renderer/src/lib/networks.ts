import type { Network } from '@shared/model';
import type { CrossPostRule } from '@shared/timeline';

/** The networks Braid links, in the order it shows them everywhere: Threads, then Mastodon. */
export const NETWORKS: readonly Network[] = ['threads', 'mastodon'];

export const NETWORK_NAMES: Record<Network, string> = { threads: 'Threads', mastodon: 'Mastodon' };

/** How Braid knew two copies are one post, in the words the card uses. */
export const RULE_WORDS: Record<CrossPostRule, string> = {
  'activitypub-id': 'ActivityPub id',
  permalink: 'permalink',
  'threads-post-id': 'Threads post id',
  'same-author-text': 'same author and text',
};

/** Networks in `NETWORKS` order, once each. */
export function sortedNetworks(networks: readonly Network[]): Network[] {
  return NETWORKS.filter((network) => networks.includes(network));
}

/** "Same post on Threads and Mastodon — matched by ActivityPub id". */
export function crossPostLabel(networks: readonly Network[], copies: number, rule: CrossPostRule | null): string {
  const names = sortedNetworks(networks).map((network) => NETWORK_NAMES[network]);
  const where = names.length > 1 ? `Same post on ${names.join(' and ')}` : `Same post seen by ${copies} of your accounts`;
  return rule ? `${where} — matched by ${RULE_WORDS[rule]}` : where;
}
