/**
 * Drafts in SQLite: saved and updated in place, images checked before they are kept, thrown
 * away with their images, and still there after the process dies mid-way.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { closeDatabase, openDatabase, type Db } from '../../../../electron/core/db/open';
import { createDraftsRepo, decodeImage, imageMatchesMime, MAX_IMAGE_BYTES, type DraftsRepo } from '../../../../electron/core/compose/drafts-repo';
import { makeTempDir } from '../helpers';
import { draftFields } from './fixtures';

/** The smallest PNG there is: a 1×1 transparent pixel. */
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const GIF_HEAD = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WEBP_HEAD = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);

let dir: string;
let db: Db;
let clock: number;
let repo: DraftsRepo;
beforeEach(() => {
  dir = makeTempDir('braid-drafts-');
  db = openDatabase(join(dir, 'braid.sqlite3'));
  clock = Date.parse('2026-11-02T10:00:00Z');
  repo = createDraftsRepo(db, () => clock);
  const accounts = createAccountsRepo(db);
  const base = { server: 'https://x.example', displayName: 'Me', avatarUrl: null, status: 'ok' as const, linkedAt: '2026-11-01T00:00:00.000Z' };
  accounts.upsert({ ...base, id: 'acc-threads', network: 'threads', remoteId: '1', handle: 'me' });
  accounts.upsert({ ...base, id: 'acc-masto', network: 'mastodon', remoteId: '2', handle: 'me@x.example' });
});
afterEach(() => closeDatabase(db));

const count = (table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('saving', () => {
  it('creates a draft, then updates the same one, newest first in the list', () => {
    const first = repo.save(draftFields({ text: 'first' }));
    clock += 1000;
    const second = repo.save(draftFields({ text: 'second', threadsAccountId: 'acc-threads', mastodonAccountId: 'acc-masto', visibility: 'unlisted' }));
    expect(second).toMatchObject({ text: 'second', threadsAccountId: 'acc-threads', mastodonAccountId: 'acc-masto', visibility: 'unlisted', media: [], sent: [], lastError: null });
    expect(repo.list().map((d) => d.text)).toEqual(['second', 'first']);
    clock += 1000;
    const updated = repo.save({ ...draftFields({ text: 'first, edited', spoilerText: 'cw' }), id: first.id });
    expect(updated.id).toBe(first.id);
    expect(updated.createdAt).toBe(first.createdAt);
    expect(Date.parse(updated.updatedAt)).toBe(clock);
    expect(repo.list().map((d) => d.text)).toEqual(['first, edited', 'second']);
    expect(count('drafts')).toBe(2);
  });

  it('refuses to update a draft that is gone, so a sent draft never comes back', () => {
    const draft = repo.save(draftFields());
    repo.delete(draft.id);
    expect(() => repo.save({ ...draftFields(), id: draft.id })).toThrow(expect.objectContaining({ code: 'draft.unknown' }));
    expect(count('drafts')).toBe(0);
  });

  it('reads an account that is no longer linked, or of the other network, as none chosen', () => {
    const draft = repo.save(draftFields({ threadsAccountId: 'acc-masto', mastodonAccountId: 'acc-masto' }));
    expect(draft).toMatchObject({ threadsAccountId: null, mastodonAccountId: 'acc-masto' });
    createAccountsRepo(db).remove('acc-masto');
    expect(repo.get(draft.id)).toMatchObject({ threadsAccountId: null, mastodonAccountId: null });
  });

  it('records sent copies and the last error', () => {
    const draft = repo.save(draftFields());
    repo.recordSent(draft.id, { network: 'threads', accountId: 'acc-threads', remoteId: '1789', url: 'https://t.example/@me/post/A' });
    repo.setLastError(draft.id, 'Not posted to Mastodon: down.');
    expect(repo.get(draft.id)).toMatchObject({ sent: [{ network: 'threads', remoteId: '1789' }], lastError: 'Not posted to Mastodon: down.' });
    // Recording for a draft thrown away meanwhile does not bring it back.
    repo.delete(draft.id);
    repo.recordSent(draft.id, { network: 'mastodon', accountId: 'acc-masto', remoteId: '5', url: null });
    expect(repo.get(draft.id)).toBeUndefined();
  });
});

describe('images', () => {
  it('attaches an image whose bytes are what its mime says, then changes its alt text and removes it', () => {
    const draft = repo.save(draftFields());
    const media = repo.attach(draft.id, { name: 'dot.png', mime: 'image/png', bytes: decodeImage(PNG_1PX.toString('base64'), 'image/png'), alt: 'A dot' });
    expect(media).toMatchObject({ name: 'dot.png', mime: 'image/png', size: PNG_1PX.length, alt: 'A dot' });
    expect(repo.get(draft.id)?.media).toEqual([media]);
    expect(repo.images(draft.id)[0]?.bytes.equals(PNG_1PX)).toBe(true);
    expect(repo.setAlt(draft.id, media.id, 'A single transparent pixel').alt).toBe('A single transparent pixel');
    repo.detach(draft.id, media.id);
    expect(repo.get(draft.id)?.media).toEqual([]);
    expect(() => repo.detach(draft.id, media.id)).toThrow(expect.objectContaining({ code: 'draft.unknown' }));
  });

  it('refuses bytes that are not base64, not the claimed format, empty or too big', () => {
    const png = PNG_1PX.toString('base64');
    expect(() => decodeImage(`${png.slice(0, -4)}*!*=`, 'image/png')).toThrow(expect.objectContaining({ code: 'input.invalid', message: expect.stringContaining('base64') as unknown }));
    expect(() => decodeImage('abc', 'image/png')).toThrow(expect.objectContaining({ code: 'input.invalid' }));
    expect(() => decodeImage(png, 'image/jpeg')).toThrow(expect.objectContaining({ message: expect.stringContaining('not the JPEG image') as unknown }));
    expect(() => decodeImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64'), 'image/png')).toThrow(
      expect.objectContaining({ code: 'input.invalid' }),
    );
    expect(() => decodeImage('', 'image/png')).toThrow(expect.objectContaining({ message: expect.stringContaining('empty') as unknown }));
    const huge = Buffer.alloc(MAX_IMAGE_BYTES + 1);
    PNG_1PX.copy(huge);
    expect(() => decodeImage(huge.toString('base64'), 'image/png')).toThrow(expect.objectContaining({ message: expect.stringContaining('up to 8 MB') as unknown }));
    const limit = Buffer.alloc(MAX_IMAGE_BYTES);
    PNG_1PX.copy(limit);
    expect(decodeImage(limit.toString('base64'), 'image/png')).toHaveLength(MAX_IMAGE_BYTES);
  });

  it('knows each format by its signature', () => {
    expect(imageMatchesMime(JPEG_HEAD, 'image/jpeg')).toBe(true);
    expect(imageMatchesMime(GIF_HEAD, 'image/gif')).toBe(true);
    expect(imageMatchesMime(WEBP_HEAD, 'image/webp')).toBe(true);
    expect(imageMatchesMime(Buffer.from('RIFF\0\0\0\0WAVEfmt '), 'image/webp')).toBe(false);
    expect(imageMatchesMime(GIF_HEAD, 'image/png')).toBe(false);
    expect(imageMatchesMime(Buffer.from([0xff, 0xd8]), 'image/jpeg')).toBe(false);
  });

  it('takes at most four images, like Mastodon', () => {
    const draft = repo.save(draftFields());
    for (let i = 0; i < 4; i += 1) repo.attach(draft.id, { name: `${i}.png`, mime: 'image/png', bytes: PNG_1PX, alt: '' });
    expect(() => repo.attach(draft.id, { name: '5.png', mime: 'image/png', bytes: PNG_1PX, alt: '' })).toThrow(expect.objectContaining({ code: 'draft.invalid' }));
    expect(repo.get(draft.id)?.media.map((m) => m.name)).toEqual(['0.png', '1.png', '2.png', '3.png']);
  });

  it('throws the images away with their draft', () => {
    const draft = repo.save(draftFields());
    repo.attach(draft.id, { name: 'a.png', mime: 'image/png', bytes: PNG_1PX, alt: '' });
    const other = repo.save(draftFields({ text: 'keep' }));
    repo.attach(other.id, { name: 'b.png', mime: 'image/png', bytes: PNG_1PX, alt: '' });
    expect(repo.delete(draft.id)).toBe(true);
    expect(repo.delete(draft.id)).toBe(false);
    expect(count('draft_media')).toBe(1);
    expect(repo.list().map((d) => d.text)).toEqual(['keep']);
  });
});

describe('surviving a crash', () => {
  it('keeps a draft and its image when the process dies right after the save', () => {
    const draft = repo.save(draftFields({ text: 'typed just before the crash', threadsAccountId: 'acc-threads' }));
    repo.attach(draft.id, { name: 'dot.png', mime: 'image/png', bytes: PNG_1PX, alt: 'A dot' });
    // The files as a killed process leaves them: copied while the connection is still open (WAL not checkpointed).
    const copy = makeTempDir('braid-drafts-crash-');
    for (const suffix of ['', '-wal', '-shm']) {
      const from = join(dir, `braid.sqlite3${suffix}`);
      if (existsSync(from)) copyFileSync(from, join(copy, `braid.sqlite3${suffix}`));
    }
    const reopened = openDatabase(join(copy, 'braid.sqlite3'));
    try {
      const restored = createDraftsRepo(reopened, () => clock).get(draft.id);
      expect(restored).toMatchObject({ text: 'typed just before the crash', threadsAccountId: 'acc-threads', media: [{ name: 'dot.png', alt: 'A dot', size: PNG_1PX.length }] });
    } finally {
      closeDatabase(reopened);
    }
  });

  it('keeps drafts across a close and reopen of the database file', () => {
    const draft = repo.save(draftFields({ text: 'after restart' }));
    closeDatabase(db);
    db = openDatabase(join(dir, 'braid.sqlite3'));
    expect(createDraftsRepo(db, () => clock).list()).toEqual([expect.objectContaining({ id: draft.id, text: 'after restart' })]);
  });

  it('reads a damaged row with what it can still read instead of losing it', () => {
    const draft = repo.save(draftFields({ text: 'half readable' }));
    db.prepare("UPDATE drafts SET fields = json_set(fields, '$.visibility', 'galaxy'), sent = 'not json' WHERE id = ?").run(draft.id);
    expect(repo.get(draft.id)).toMatchObject({ text: 'half readable', visibility: 'public', sent: [] });
  });
});
