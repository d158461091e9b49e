/**
 * Drafts in SQLite (migration 005): written at once, each change in one transaction, so a crash
 * right after a keystroke's save loses nothing. Images are kept as bytes in `draft_media` and go
 * with their draft (ON DELETE CASCADE). See docs/compose.md.
 */
import { randomUUID } from 'node:crypto';
import type { Draft, DraftFields, DraftMedia, SentCopy } from '@shared/compose';
import { DraftFields as DraftFieldsSchema, SentCopy as SentCopySchema } from '@shared/compose';
import { BraidError } from '@shared/errors';
import type { Network } from '@shared/model';
import type { Db } from '../db/open';

/** Per image: Mastodon's own limit is larger (16 MB), 8 MB keeps a draft's row reasonable. */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
/** Mastodon's `max_media_attachments` default; Threads takes no uploaded images at all. */
export const MAX_IMAGES = 4;

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

interface DraftRow {
  id: string;
  fields: string;
  sent: string;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

interface MediaRow {
  id: string;
  draft_id: string;
  name: string;
  mime: string;
  alt: string;
  size: number;
}

/** An attached image with its bytes, for uploading. */
export interface DraftImage {
  media: DraftMedia;
  bytes: Buffer;
}

const EMPTY_FIELDS: DraftFields = {
  text: '',
  spoilerText: '',
  threadsAccountId: null,
  mastodonAccountId: null,
  visibility: 'public',
  replyToGroupId: null,
  quoteGroupId: null,
};

/** The file's first bytes say what it is (each format's signature); the mime alone is only a claim. */
export function imageMatchesMime(bytes: Uint8Array, mime: ImageMime): boolean {
  const starts = (offset: number, signature: readonly number[]): boolean => signature.every((byte, i) => bytes[offset + i] === byte);
  const ascii = (offset: number, text: string): boolean => starts(offset, [...text].map((c) => c.charCodeAt(0)));
  switch (mime) {
    case 'image/png':
      return starts(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/jpeg':
      return starts(0, [0xff, 0xd8, 0xff]);
    case 'image/gif':
      return ascii(0, 'GIF87a') || ascii(0, 'GIF89a');
    case 'image/webp':
      return ascii(0, 'RIFF') && ascii(8, 'WEBP');
  }
}

/**
 * Strict base64 → bytes. Buffer.from skips characters it does not know, so a damaged or
 * non-base64 string would otherwise become some other file without a word.
 */
export function decodeImage(base64: string, mime: ImageMime): Buffer {
  if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw new BraidError('input.invalid', 'The image did not arrive intact (its data is not valid base64). Attach it again.');
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) throw new BraidError('input.invalid', 'The image is empty. Attach another file.');
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new BraidError('input.invalid', `The image is ${(bytes.length / 1048576).toFixed(1)} MB; Braid attaches images up to 8 MB. Make it smaller and attach it again.`);
  }
  if (!imageMatchesMime(bytes, mime)) {
    throw new BraidError('input.invalid', `The file is not the ${mime.slice(6).toUpperCase()} image it says it is. Attach a PNG, JPEG, GIF or WebP image.`);
  }
  return bytes;
}

export type DraftsRepo = ReturnType<typeof createDraftsRepo>;

export function createDraftsRepo(db: Db, now: () => number, newId: () => string = randomUUID) {
  const statements = {
    all: db.prepare<[], DraftRow>('SELECT * FROM drafts ORDER BY updated_at DESC, id DESC'),
    one: db.prepare<[string], DraftRow>('SELECT * FROM drafts WHERE id = ?'),
    insert: db.prepare<DraftRow>(
      'INSERT INTO drafts (id, fields, sent, last_error, created_at, updated_at) VALUES ($id, $fields, $sent, $last_error, $created_at, $updated_at)',
    ),
    updateFields: db.prepare<{ id: string; fields: string; updated_at: number }>('UPDATE drafts SET fields = $fields, updated_at = $updated_at WHERE id = $id'),
    updateSent: db.prepare<{ id: string; sent: string }>('UPDATE drafts SET sent = $sent WHERE id = $id'),
    updateError: db.prepare<{ id: string; last_error: string | null }>('UPDATE drafts SET last_error = $last_error WHERE id = $id'),
    touch: db.prepare<{ id: string; updated_at: number }>('UPDATE drafts SET updated_at = $updated_at WHERE id = $id'),
    remove: db.prepare<[string]>('DELETE FROM drafts WHERE id = ?'),
    media: db.prepare<[string], MediaRow>(
      'SELECT id, draft_id, name, mime, alt, length(bytes) AS size FROM draft_media WHERE draft_id = ? ORDER BY position, id',
    ),
    allMedia: db.prepare<[], MediaRow>('SELECT id, draft_id, name, mime, alt, length(bytes) AS size FROM draft_media ORDER BY position, id'),
    oneMedia: db.prepare<[string, string], MediaRow>(
      'SELECT id, draft_id, name, mime, alt, length(bytes) AS size FROM draft_media WHERE draft_id = ? AND id = ?',
    ),
    mediaBytes: db.prepare<[string], { id: string; bytes: Buffer }>('SELECT id, bytes FROM draft_media WHERE draft_id = ? ORDER BY position, id'),
    nextPosition: db.prepare<[string], { next: number; count: number }>(
      'SELECT COALESCE(MAX(position) + 1, 0) AS next, COUNT(*) AS count FROM draft_media WHERE draft_id = ?',
    ),
    insertMedia: db.prepare<{ id: string; draft_id: string; position: number; name: string; mime: string; alt: string; bytes: Buffer }>(
      'INSERT INTO draft_media (id, draft_id, position, name, mime, alt, bytes) VALUES ($id, $draft_id, $position, $name, $mime, $alt, $bytes)',
    ),
    setAlt: db.prepare<{ id: string; draft_id: string; alt: string }>('UPDATE draft_media SET alt = $alt WHERE id = $id AND draft_id = $draft_id'),
    removeMedia: db.prepare<[string, string]>('DELETE FROM draft_media WHERE draft_id = ? AND id = ?'),
    account: db.prepare<[string], { network: Network }>('SELECT network FROM accounts WHERE id = ?'),
  };

  /** An account that was unlinked since (or is of the other network) reads as none chosen. */
  function linked(accountId: string | null, network: Network): string | null {
    return accountId !== null && statements.account.get(accountId)?.network === network ? accountId : null;
  }

  function fieldsOf(row: DraftRow): DraftFields {
    let json: unknown;
    try {
      json = JSON.parse(row.fields);
    } catch {
      json = {};
    }
    // A row Braid cannot fully read keeps what it can (the text above all) rather than vanishing.
    const parsed = DraftFieldsSchema.safeParse(json);
    const fields = parsed.success ? parsed.data : { ...EMPTY_FIELDS, ...pickText(json) };
    return {
      ...fields,
      threadsAccountId: linked(fields.threadsAccountId, 'threads'),
      mastodonAccountId: linked(fields.mastodonAccountId, 'mastodon'),
    };
  }

  function sentOf(row: DraftRow): SentCopy[] {
    try {
      const parsed = SentCopySchema.array().safeParse(JSON.parse(row.sent));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  function toMedia(row: MediaRow): DraftMedia {
    return { id: row.id, name: row.name, mime: row.mime, size: row.size, alt: row.alt };
  }

  function toDraft(row: DraftRow, media: DraftMedia[]): Draft {
    return {
      ...fieldsOf(row),
      id: row.id,
      media,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      sent: sentOf(row),
      lastError: row.last_error,
    };
  }

  function existing(id: string): DraftRow {
    const row = statements.one.get(id);
    if (!row) throw new BraidError('draft.unknown', 'That draft no longer exists: it was sent or thrown away.');
    return row;
  }

  function get(id: string): Draft | undefined {
    const row = statements.one.get(id);
    return row ? toDraft(row, statements.media.all(id).map(toMedia)) : undefined;
  }

  function mediaOf(draftId: string, mediaId: string): MediaRow {
    const row = statements.oneMedia.get(draftId, mediaId);
    if (!row) throw new BraidError('draft.unknown', 'That image is no longer attached to the draft.');
    return row;
  }

  return {
    /** Newest first. */
    list(): Draft[] {
      const media = new Map<string, DraftMedia[]>();
      for (const row of statements.allMedia.all()) {
        const list = media.get(row.draft_id) ?? [];
        list.push(toMedia(row));
        media.set(row.draft_id, list);
      }
      return statements.all.all().map((row) => toDraft(row, media.get(row.id) ?? []));
    },
    get,
    /** Creates a draft (no id) or replaces an existing one's fields; an unknown id is refused, so a sent draft never comes back. */
    save(input: DraftFields & { id?: string | undefined }): Draft {
      const { id, ...rest } = input;
      const fields = JSON.stringify(DraftFieldsSchema.parse(rest));
      const at = now();
      const draftId = db.transaction(() => {
        if (id === undefined) {
          const created = newId();
          statements.insert.run({ id: created, fields, sent: '[]', last_error: null, created_at: at, updated_at: at });
          return created;
        }
        existing(id);
        statements.updateFields.run({ id, fields, updated_at: at });
        return id;
      })();
      return get(draftId) as Draft;
    },
    attach(draftId: string, image: { name: string; mime: ImageMime; bytes: Buffer; alt: string }): DraftMedia {
      const id = newId();
      db.transaction(() => {
        existing(draftId);
        const { next, count } = statements.nextPosition.get(draftId) ?? { next: 0, count: 0 };
        if (count >= MAX_IMAGES) throw new BraidError('draft.invalid', `A post can carry at most ${MAX_IMAGES} images. Remove one to attach another.`);
        statements.insertMedia.run({ id, draft_id: draftId, position: next, name: image.name, mime: image.mime, alt: image.alt, bytes: image.bytes });
        statements.touch.run({ id: draftId, updated_at: now() });
      })();
      return toMedia(mediaOf(draftId, id));
    },
    setAlt(draftId: string, mediaId: string, alt: string): DraftMedia {
      db.transaction(() => {
        mediaOf(draftId, mediaId);
        statements.setAlt.run({ id: mediaId, draft_id: draftId, alt });
        statements.touch.run({ id: draftId, updated_at: now() });
      })();
      return toMedia(mediaOf(draftId, mediaId));
    },
    detach(draftId: string, mediaId: string): void {
      db.transaction(() => {
        mediaOf(draftId, mediaId);
        statements.removeMedia.run(draftId, mediaId);
        statements.touch.run({ id: draftId, updated_at: now() });
      })();
    },
    /** The draft's images with their bytes, in order, for uploading. */
    images(draftId: string): DraftImage[] {
      const bytes = new Map(statements.mediaBytes.all(draftId).map((row) => [row.id, row.bytes]));
      return statements.media.all(draftId).flatMap((row) => {
        const data = bytes.get(row.id);
        return data ? [{ media: toMedia(row), bytes: data }] : [];
      });
    },
    /** Records one posted copy at once, so a crash or a retry never posts that network twice. A draft thrown away meanwhile stays gone. */
    recordSent(draftId: string, copy: SentCopy): void {
      db.transaction(() => {
        const row = statements.one.get(draftId);
        if (!row) return;
        const sent = sentOf(row).filter((known) => known.network !== copy.network);
        statements.updateSent.run({ id: draftId, sent: JSON.stringify([...sent, copy]) });
      })();
    },
    setLastError(draftId: string, message: string | null): void {
      statements.updateError.run({ id: draftId, last_error: message });
    },
    /** Deletes the draft and its images; false when it was already gone. */
    delete(draftId: string): boolean {
      return statements.remove.run(draftId).changes > 0;
    },
  };
}

function pickText(json: unknown): Partial<DraftFields> {
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  return typeof record.text === 'string' ? { text: record.text.slice(0, 20_000) } : {};
}
