/**
 * Media (https://docs.joinmastodon.org/methods/media/), polls
 * (https://docs.joinmastodon.org/methods/polls/), custom emojis, and the files themselves.
 * Uploads are "processed" at once: POST /api/v2/media answers 200 with `url` set (the documented
 * synchronous case for small images), so clients never need to poll.
 */
import { ApiError, notFound, type Ctx } from './context.ts';
import { emojiJson, mediaJson, pollJson } from './entities.ts';
import { vote } from './interactions.ts';
import type { MediaRecord } from './model.ts';
import { params, requireUser, str, strArray, viewerOf, type App, type C } from './api-support.ts';
import { colourFor, placeholderPng, pngSize } from './png.ts';
import { canSee } from './visibility.ts';

function mediaType(mime: string): MediaRecord['type'] | undefined {
  if (mime === 'image/gif') return 'gifv';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return undefined;
}

function parseFocus(value: string | undefined): { x: number; y: number } {
  const [x, y] = (value ?? '').split(',').map(Number);
  const clamp = (n: number | undefined): number => (n === undefined || !Number.isFinite(n) ? 0 : Math.max(-1, Math.min(1, n)));
  return { x: clamp(x), y: clamp(y) };
}

function checkDescription(description: string | null): void {
  if (description !== null && [...description].length > 1500) throw new ApiError(422, 'Validation failed: Description is too long (maximum is 1500 characters)');
}

export function mediaRoutes(app: App, ctx: Ctx): void {
  const { store } = ctx;

  const upload = async (c: C): Promise<Response> => {
    const account = requireUser(ctx, c, 'write:media');
    const p = await params(c);
    const file = p.file;
    if (!(file instanceof File)) throw new ApiError(422, "Validation failed: File can't be blank");
    const type = mediaType(file.type);
    if (!type) throw new ApiError(422, 'Validation failed: File content type is invalid');
    const bytes = new Uint8Array(await file.arrayBuffer());
    const size = pngSize(bytes) ?? { width: 640, height: 480 };
    const id = store.ids.next(store.clock.now());
    const description = str(p, 'description') ?? null;
    checkDescription(description);
    const record: MediaRecord = {
      id,
      accountId: account.id,
      type,
      mime: file.type,
      fileName: (file.name || 'file').replace(/[^\w.-]/g, '_'),
      bytes,
      remoteUrl: null,
      description,
      ...size,
      focus: parseFocus(str(p, 'focus')),
      statusId: null,
    };
    store.media.set(id, record);
    return c.json(mediaJson(store, record));
  };
  app.post('/api/v2/media', upload);
  app.post('/api/v1/media', upload);

  // MediaController finds only the caller's media not yet attached to a post: alt text of a
  // posted attachment changes through an edit's media_attributes, not here.
  const ownMedia = (c: C): MediaRecord => {
    const account = requireUser(ctx, c, 'write:media');
    const media = store.media.get(c.req.param('id') ?? '');
    if (!media || media.accountId !== account.id || media.statusId !== null) throw notFound();
    return media;
  };
  app.get('/api/v1/media/:id', (c) => c.json(mediaJson(store, ownMedia(c))));
  app.put('/api/v1/media/:id', async (c) => {
    const media = ownMedia(c);
    const p = await params(c);
    const description = str(p, 'description');
    checkDescription(description ?? null);
    if (description !== undefined) media.description = description;
    if (str(p, 'focus') !== undefined) media.focus = parseFocus(str(p, 'focus'));
    return c.json(mediaJson(store, media));
  });

  app.get('/system/media_attachments/files/:id/:size/:name', (c) => {
    const media = store.media.get(c.req.param('id'));
    if (!media) return c.text('Not found', 404);
    const original = c.req.param('size') === 'original' && media.bytes !== null;
    const body = original ? media.bytes! : placeholderPng(Math.min(media.width, 64), Math.min(media.height, 48), colourFor(media.id));
    return c.body(new Uint8Array(body), 200, { 'content-type': original ? media.mime : 'image/png', 'cache-control': 'public, max-age=31536000' });
  });
  // Default avatar/header and emoji images.
  app.get('/avatars/:name', (c) => c.body(new Uint8Array(placeholderPng(48, 48, colourFor(c.req.param('name')))), 200, { 'content-type': 'image/png' }));
  app.get('/headers/:name', (c) => c.body(new Uint8Array(placeholderPng(150, 50, [90, 90, 120])), 200, { 'content-type': 'image/png' }));
  app.get('/emoji/:name', (c) => c.body(new Uint8Array(placeholderPng(16, 16, colourFor(c.req.param('name')))), 200, { 'content-type': 'image/png' }));

  app.get('/api/v1/custom_emojis', (c) => c.json([...store.customEmojis.keys()].sort().flatMap((code) => emojiJson(store, code) ?? [])));

  const pollStatus = (pollId: string, viewerId: string | null) => {
    const poll = store.polls.get(pollId);
    const status = poll ? store.statuses.get(poll.statusId) : undefined;
    if (!poll || !status || !canSee(store, status, viewerId)) throw notFound();
    return { poll, status };
  };
  app.get('/api/v1/polls/:id', (c) => {
    const viewerId = viewerOf(c, 'read:statuses');
    return c.json(pollJson(store, pollStatus(c.req.param('id'), viewerId).poll, viewerId));
  });
  app.post('/api/v1/polls/:id/votes', async (c) => {
    const account = requireUser(ctx, c, 'write:statuses');
    const { poll, status } = pollStatus(c.req.param('id'), account.id);
    const p = await params(c);
    const raw = Array.isArray(p.choices) ? (p.choices as unknown[]).map(String) : strArray(p, 'choices');
    vote(ctx, account.id, status, raw.map((v) => (/^\d+$/.test(v) ? Number(v) : -1)));
    return c.json(pollJson(store, poll, account.id));
  });
}
