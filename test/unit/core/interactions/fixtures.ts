/** Replies as the normalizers make them, with only what a test cares about set. */
import type { Post } from '@shared/timeline';
import { makeAuthor, makePost } from '../fixtures/post';

export interface ReplySpec {
  network: Post['network'];
  remoteId: string;
  /** The post it answers, on the same server. */
  parent?: string | null;
  uri?: string | null;
  url?: string | null;
  /** Minutes after 10:00. */
  at?: number;
  handle?: string;
  fromFediverse?: boolean;
}

export function reply(spec: ReplySpec): Post {
  const accountId = spec.network === 'threads' ? 'acct-threads' : 'acct-mastodon';
  const handle = spec.handle ?? (spec.network === 'threads' ? 'alice' : 'mona@mastodon.example');
  return makePost({
    accountId,
    network: spec.network,
    remoteId: spec.remoteId,
    uri: spec.uri ?? null,
    url: spec.url ?? null,
    author: makeAuthor({ network: spec.network, handle }),
    createdAt: new Date(Date.UTC(2026, 10, 2, 10, spec.at ?? 0)).toISOString(),
    contentHtml: `<p>${spec.remoteId}</p>`,
    inReplyTo: spec.parent === undefined || spec.parent === null ? null : { remoteId: spec.parent, authorHandle: null },
    fromFediverse: spec.fromFediverse ?? false,
  });
}
