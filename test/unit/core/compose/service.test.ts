/**
 * The composer service without a network: drafts.changed once per burst of typing (the rows
 * themselves are written at once), and what it refuses before anything goes out.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Draft } from '@shared/compose';
import { createComposeService, type ComposeService } from '../../../../electron/core/compose/service';
import { createAccountsRepo } from '../../../../electron/core/db/accounts-repo';
import { openDatabase, type Db } from '../../../../electron/core/db/open';
import { createSharingAccountsRepo } from '../../../../electron/core/db/sharing-accounts-repo';
import { createThreadsServersRepo } from '../../../../electron/core/db/threads-servers-repo';
import { createTimelineReader } from '../../../../electron/core/db/timeline-read';
import { createTimelineWriter } from '../../../../electron/core/db/timeline-write';
import { CoreEvents } from '../../../../electron/core/events';
import { MemorySecretStore } from '../../../../electron/core/secrets/memory-store';
import { captureLogger } from '../helpers';
import { draftFields } from './fixtures';

let db: Db;
let service: ComposeService;
let changed: Draft[][];
let fetch: ReturnType<typeof vi.fn>;
beforeEach(() => {
  vi.useFakeTimers();
  db = openDatabase(':memory:');
  const events = new CoreEvents();
  changed = [];
  events.on('drafts.changed', (drafts) => changed.push(drafts));
  fetch = vi.fn(() => Promise.reject(new Error('no network in unit tests')));
  const now = () => Date.now();
  service = createComposeService({
    db,
    accounts: createAccountsRepo(db),
    threadsServers: createThreadsServersRepo(db),
    sharingAccounts: createSharingAccountsRepo(db),
    secrets: new MemorySecretStore(),
    writer: createTimelineWriter(db, now),
    reader: createTimelineReader(db),
    events,
    log: captureLogger().log,
    fetch: fetch as unknown as typeof globalThis.fetch,
    now,
  });
});
afterEach(() => {
  service.stop();
  db.close();
  vi.useRealTimers();
});

it('writes every save at once but announces a burst of them once', () => {
  const draft = service.save(draftFields({ text: 'H' }));
  service.save({ ...draftFields({ text: 'He' }), id: draft.id });
  vi.advanceTimersByTime(100);
  service.save({ ...draftFields({ text: 'Hel' }), id: draft.id });
  // On disk already, before any event: a crash now loses nothing.
  expect((db.prepare('SELECT fields FROM drafts').get() as { fields: string }).fields).toContain('"Hel"');
  expect(changed).toEqual([]);
  vi.advanceTimersByTime(100);
  expect(changed).toHaveLength(1);
  expect(changed[0]?.map((d) => d.text)).toEqual(['Hel']);
  vi.advanceTimersByTime(1000);
  expect(changed).toHaveLength(1);
  service.delete(draft.id);
  vi.advanceTimersByTime(200);
  expect(changed.at(-1)).toEqual([]);
});

it('refuses to send a draft that breaks the rules, saying why, without touching the network', async () => {
  const draft = service.save(draftFields({ text: '' }));
  await expect(service.send(draft.id)).rejects.toMatchObject({
    code: 'draft.invalid',
    message: 'Choose an account to post from: Threads, Mastodon or both. Write something or attach an image first.',
  });
  await expect(service.send('no-such-draft')).rejects.toMatchObject({ code: 'draft.unknown' });
  await expect(service.check('no-such-draft')).rejects.toMatchObject({ code: 'draft.unknown' });
  expect(fetch).not.toHaveBeenCalled();
  expect(service.list()).toHaveLength(1);
});

it('refuses an image that is not what it says, keeping the draft as it was', () => {
  const draft = service.save(draftFields());
  expect(() => service.attach({ draftId: draft.id, name: 'x.png', mime: 'image/png', base64: Buffer.from('GIF89a....').toString('base64'), alt: '' })).toThrow(
    expect.objectContaining({ code: 'input.invalid' }),
  );
  expect(service.list()[0]?.media).toEqual([]);
});
