/**
 * Instance metadata: /api/v2/instance and /api/v1/instance
 * (https://docs.joinmastodon.org/entities/Instance/, .../entities/V1_Instance/), and the
 * streaming health check.
 */
import type { Ctx } from './context.ts';
import { LIMITS } from './compose.ts';
import { accountJson } from './entities.ts';
import type { App } from './api-support.ts';

export const VERSION = '4.3.0';

export function instanceRoutes(app: App, ctx: Ctx): void {
  const { store } = ctx;
  const streaming = (): string => store.origin.replace(/^http/, 'ws');
  const contactAccount = (): Record<string, unknown> | null => {
    const first = [...store.accounts.values()].find((a) => a.domain === null);
    return first ? accountJson(store, first) : null;
  };
  const media = {
    supported_mime_types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4', 'video/webm', 'audio/mpeg', 'audio/ogg'],
    description_limit: 1500,
    image_size_limit: 16_777_216,
    image_matrix_limit: 33_177_600,
    video_size_limit: 103_809_024,
    video_frame_rate_limit: 120,
    video_matrix_limit: 8_294_400,
  };
  const statuses = { max_characters: LIMITS.maxCharacters, max_media_attachments: LIMITS.maxMediaAttachments, characters_reserved_per_url: LIMITS.charactersReservedPerUrl };
  const polls = {
    max_options: LIMITS.poll.maxOptions,
    max_characters_per_option: LIMITS.poll.maxCharactersPerOption,
    min_expiration: LIMITS.poll.minExpiration,
    max_expiration: LIMITS.poll.maxExpiration,
  };
  const thumbnail = `${store.origin}/avatars/instance.png`;

  app.get('/api/v2/instance', (c) =>
    c.json({
      domain: store.host,
      title: store.title,
      version: VERSION,
      source_url: 'https://github.com/mastodon/mastodon',
      description: 'A Mastodon-compatible sandbox server for Braid’s tests.',
      usage: { users: { active_month: [...store.accounts.values()].filter((a) => a.domain === null).length } },
      thumbnail: { url: thumbnail, blurhash: null, versions: {} },
      icon: [],
      languages: ['en'],
      configuration: {
        urls: { streaming: streaming(), status: null, about: `${store.origin}/about`, privacy_policy: null, terms_of_service: null },
        vapid: { public_key: 'BCkMmVlS_sandbox_no_push' },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
        statuses,
        media_attachments: media,
        polls,
        translation: { enabled: false },
      },
      registrations: { enabled: false, approval_required: false, message: null, url: null },
      api_versions: { mastodon: 2 },
      contact: { email: 'admin@sandbox.invalid', account: contactAccount() },
      rules: [],
    }),
  );

  app.get('/api/v1/instance', (c) => {
    const local = [...store.accounts.values()].filter((a) => a.domain === null);
    const domains = new Set([...store.accounts.values()].flatMap((a) => (a.domain === null ? [] : [a.domain])));
    return c.json({
      uri: store.host,
      title: store.title,
      short_description: 'A Mastodon-compatible sandbox server.',
      description: 'A Mastodon-compatible sandbox server for Braid’s tests.',
      email: 'admin@sandbox.invalid',
      version: VERSION,
      urls: { streaming_api: streaming() },
      stats: { user_count: local.length, status_count: store.statuses.size - store.remoteStatusCount, domain_count: domains.size },
      thumbnail,
      languages: ['en'],
      registrations: false,
      approval_required: false,
      invites_enabled: false,
      configuration: { accounts: { max_featured_tags: 10 }, statuses, media_attachments: media, polls },
      contact_account: contactAccount(),
      rules: [],
    });
  });

  app.get('/api/v1/streaming/health', (c) => c.text('OK'));
}
