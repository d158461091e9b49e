/**
 * A large timeline cache, built fast and realistically: a few real pages are read from a seeded
 * sandbox (Mastodon home through masto.js exactly as mastodon-sync.ts reads it, camelCase; the
 * Threads following feed with the fields threads-sync.ts asks for), and cloned with fresh ids,
 * URIs, permalinks and times. A third of the cards are a Threads post plus its federated
 * Mastodon copy (same ActivityPub id and permalink), so the cross-post linker really links.
 * The clones then go through the real normalizers and the real writer, page by page, as the sync
 * writes them: that is the throughput measurement.
 */
import { createRestAPIClient } from 'masto';
import type { Sandbox } from '../../sandbox/index.ts';

type Raw = Record<string, unknown>;

/** The fields threads-sync.ts asks for (BASE_FIELDS and EXTENSION_FIELDS). */
const THREADS_FIELDS = [
  'id', 'media_product_type', 'media_type', 'media_url', 'permalink', 'owner', 'username', 'text', 'timestamp', 'shortcode',
  'thumbnail_url', 'children{id,media_type,media_url,thumbnail_url,alt_text}', 'is_quote_post', 'quoted_post', 'reposted_post',
  'alt_text', 'link_attachment_url', 'topic_tag', 'poll_attachment', 'is_reply', 'replied_to', 'root_post',
  'is_shared_to_fediverse', 'activitypub_id',
].join(',');

export interface Templates {
  threadsOrigin: string;
  mastodonOrigin: string;
  /** Threads media that are not reposts. */
  threadsPosts: Raw[];
  /** REPOST_FACADE media, each with the original it reposts. */
  threadsReposts: { facade: Raw; original: Raw }[];
  /** A Threads post and its federated copy in the Mastodon home timeline. */
  pairs: { threads: Raw; mastodon: Raw }[];
  /** Mastodon statuses of Mastodon accounts. */
  mastodonPosts: Raw[];
  /** Mastodon boosts (`reblog` set). */
  mastodonBoosts: Raw[];
}

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Reads up to `pages` pages of both demo feeds from a seeded sandbox. */
export async function fetchTemplates(sandbox: Sandbox, pages = 8): Promise<Templates> {
  const { mastodon, threads } = sandbox;
  const mastodonDemo = mastodon.admin.findAccount('braid_demo');
  const threadsDemo = threads.admin.findUser('braid_demo');
  if (!mastodonDemo || !threadsDemo) throw new Error('the sandbox seed has no braid_demo users');

  const client = createRestAPIClient({ url: mastodon.origin, accessToken: mastodon.admin.createToken(mastodonDemo.id, ['read']) });
  const statuses: Raw[] = [];
  let maxId: string | undefined;
  for (let page = 0; page < pages; page += 1) {
    const response = await client.v1.timelines.home.list.$raw({ limit: 40, ...(maxId ? { maxId } : {}) });
    const data = plain(response.data) as unknown as Raw[];
    if (data.length === 0) break;
    statuses.push(...data);
    maxId = str(data.at(-1)?.id);
  }

  const token = threads.admin.createToken(threadsDemo.id);
  const media: Raw[] = [];
  let next: string | null = `${threads.origin}/v1.0/me/braid_following_feed?${new URLSearchParams({ fields: THREADS_FIELDS, limit: '100', access_token: token })}`;
  for (let page = 0; page < pages && next; page += 1) {
    const body = (await (await fetch(next)).json()) as { data?: Raw[]; paging?: { next?: string } };
    media.push(...(body.data ?? []));
    next = body.paging?.next ?? null;
  }
  const byId = new Map(media.map((item) => [str(item.id), item]));
  const byApId = new Map(media.filter((item) => item.activitypub_id).map((item) => [str(item.activitypub_id), item]));

  const threadsReposts: Templates['threadsReposts'] = [];
  for (const facade of media.filter((item) => item.media_type === 'REPOST_FACADE')) {
    const originalId = str((facade.reposted_post as Raw | undefined)?.id);
    const original =
      byId.get(originalId) ??
      ((await (await fetch(`${threads.origin}/v1.0/${originalId}?${new URLSearchParams({ fields: THREADS_FIELDS, access_token: token })}`)).json()) as Raw);
    if (original.id && original.media_type !== 'REPOST_FACADE') threadsReposts.push({ facade, original });
  }

  const pairs: Templates['pairs'] = [];
  const mastodonPosts: Raw[] = [];
  const mastodonBoosts: Raw[] = [];
  for (const status of statuses) {
    if (status.reblog) mastodonBoosts.push(status);
    else if (str((status.account as Raw).acct).includes('@')) {
      const original = byApId.get(str(status.uri));
      if (original) pairs.push({ threads: original, mastodon: status });
    } else mastodonPosts.push(status);
  }
  const templates: Templates = {
    threadsOrigin: threads.origin,
    mastodonOrigin: mastodon.origin,
    threadsPosts: media.filter((item) => item.media_type !== 'REPOST_FACADE'),
    threadsReposts,
    pairs,
    mastodonPosts,
    mastodonBoosts,
  };
  for (const [name, list] of Object.entries(templates)) {
    if (Array.isArray(list) && list.length === 0) throw new Error(`the sandbox gave no ${name} to clone`);
  }
  return templates;
}

/** One page as the sync would write it: raw items of one account's feed. */
export interface RawPage {
  network: 'threads' | 'mastodon';
  items: { raw: Raw; repostedPost?: Raw }[];
}

export interface GeneratorStats {
  posts: number;
  pairs: number;
  boosts: number;
}

/** A small seeded PRNG (mulberry32), so every run builds the same cache. */
function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Threads' timestamp format: second precision, `+0000`. */
function threadsTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+0000');
}

function shortcodeOf(id: string): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(id) & 0xffffffffffffffffn);
  return bytes.toString('base64url');
}

/** Appends a marker to the last paragraph of HTML content, so every clone's text is its own. */
function appendToHtml(html: string, suffix: string): string {
  const at = html.lastIndexOf('</p>');
  return at === -1 ? `${html}${suffix}` : `${html.slice(0, at)}${suffix}${html.slice(at)}`;
}

/**
 * Clones templates into pages of raw items, newest first, stepping back `spacingMs` per card.
 * Each call of `nextRun(posts)` continues further into the past.
 */
export function createCacheGenerator(templates: Templates, options: { seed?: number; startMs: number; spacingMs?: number }) {
  const rng = createRng(options.seed ?? 42);
  const spacing = options.spacingMs ?? 20_000;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
  let slot = 0;
  let sequence = 0;
  let chunk = 0;
  const stats: GeneratorStats = { posts: 0, pairs: 0, boosts: 0 };

  /** Mastodon-style time-ordered id: milliseconds << 16 plus a sequence. */
  const idAt = (ms: number): string => String((BigInt(Math.floor(ms)) << 16n) | BigInt(sequence++ & 0xffff));

  function threadsClone(template: Raw, ms: number, suffix: string, shared: boolean | null): Raw {
    const raw = structuredClone(template);
    const id = idAt(ms);
    const shortcode = shortcodeOf(id);
    raw.id = id;
    raw.shortcode = shortcode;
    raw.permalink = `${templates.threadsOrigin}/@${str(raw.username)}/post/${shortcode}`;
    raw.timestamp = threadsTime(ms);
    if (typeof raw.text === 'string') raw.text = `${raw.text}${suffix}`;
    const share = shared ?? Boolean(template.activitypub_id);
    raw.is_shared_to_fediverse = share;
    raw.activitypub_id = share ? `${templates.threadsOrigin}/ap/users/${str((raw.owner as Raw | undefined)?.id)}/post/${id}/` : null;
    return raw;
  }

  function mastodonClone(template: Raw, ms: number, suffix: string): Raw {
    const raw = structuredClone(template);
    const oldId = str(template.id);
    const id = idAt(ms);
    raw.id = id;
    raw.createdAt = new Date(ms).toISOString();
    raw.uri = str(template.uri).replace(oldId, id);
    raw.url = str(template.url).replace(oldId, id);
    raw.content = appendToHtml(str(template.content), suffix);
    return raw;
  }

  function federatedCopy(template: Raw, threads: Raw, ms: number, suffix: string): Raw {
    const raw = mastodonClone(template, ms, suffix);
    raw.uri = threads.activitypub_id;
    raw.url = threads.permalink;
    return raw;
  }

  function boostClone(template: Raw, ms: number, suffix: string): Raw {
    const inner = template.reblog as Raw;
    const originalMs = ms - 3_600_000 - Math.floor(rng() * 3_600_000);
    const original = mastodonClone(inner, originalMs, suffix);
    if (str(inner.uri).includes('/ap/users/')) {
      // A boosted federated Threads post: its id is in the URI, its shortcode in the URL.
      original.uri = str(inner.uri).replace(/\/post\/[^/]+\/?$/, `/post/${str(original.id)}/`);
      original.url = str(inner.url).replace(/\/post\/[^/]+$/, `/post/${shortcodeOf(str(original.id))}`);
    }
    const outer = mastodonClone({ ...template, reblog: null }, ms, '');
    outer.content = '';
    outer.reblog = original;
    return outer;
  }

  /** Raw pages holding about `posts` posts: pairs of one Threads page and one Mastodon page of ~500 each. */
  function nextRun(posts: number, pageSize = 500): RawPage[] {
    const pages: RawPage[] = [];
    let threadsPage: RawPage = { network: 'threads', items: [] };
    let mastodonPage: RawPage = { network: 'mastodon', items: [] };
    let made = 0;
    const flush = (): void => {
      // Alternate which network's page lands first, so links are made in both directions.
      const order = chunk++ % 2 === 0 ? [threadsPage, mastodonPage] : [mastodonPage, threadsPage];
      pages.push(...order.filter((page) => page.items.length > 0));
      threadsPage = { network: 'threads', items: [] };
      mastodonPage = { network: 'mastodon', items: [] };
    };
    while (made < posts) {
      const ms = options.startMs - slot * spacing - Math.floor(rng() * spacing * 0.75);
      const suffix = ` ·${slot.toString(36)}`;
      slot += 1;
      const kind = rng();
      if (kind < 1 / 3) {
        const pair = pick(templates.pairs);
        const threads = threadsClone(pair.threads, ms, suffix, true);
        // The copy reaches the Mastodon server a little later, with the same second.
        threadsPage.items.push({ raw: threads });
        mastodonPage.items.push({ raw: federatedCopy(pair.mastodon, threads, Math.floor(ms / 1000) * 1000 + 250, suffix) });
        made += 2;
        stats.pairs += 1;
      } else if (kind < 0.62) {
        if (rng() < 0.06) {
          const repost = pick(templates.threadsReposts);
          const original = threadsClone(repost.original, ms - 3_600_000 - Math.floor(rng() * 3_600_000), suffix, null);
          const facade = threadsClone(repost.facade, ms, '', false);
          facade.reposted_post = { id: original.id };
          threadsPage.items.push({ raw: facade, repostedPost: original });
          stats.boosts += 1;
        } else threadsPage.items.push({ raw: threadsClone(pick(templates.threadsPosts), ms, suffix, null) });
        made += 1;
      } else {
        if (rng() < 0.15) {
          mastodonPage.items.push({ raw: boostClone(pick(templates.mastodonBoosts), ms, suffix) });
          stats.boosts += 1;
        } else mastodonPage.items.push({ raw: mastodonClone(pick(templates.mastodonPosts), ms, suffix) });
        made += 1;
      }
      if (threadsPage.items.length + mastodonPage.items.length >= pageSize * 2) flush();
    }
    flush();
    stats.posts += made;
    return pages;
  }

  return { nextRun, stats, get oldestMs() { return options.startMs - slot * spacing; } };
}
