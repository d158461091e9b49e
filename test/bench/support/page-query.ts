/**
 * The merged timeline's page query, in process: `timeline.page` at random cursors across the
 * whole cache, per filter, and the query plan that shows which index answers it.
 */
import type { Database } from 'better-sqlite3';
import type { CoreModules, TimelineFilter } from './core.ts';
import { median, p95 } from './stats.ts';

export const FILTERS: readonly TimelineFilter[] = ['all', 'threads', 'mastodon', 'cross-posted'];

const FILTER_WHERE: Record<TimelineFilter, string> = {
  all: '1 = 1',
  threads: 'has_threads = 1',
  mastodon: 'has_mastodon = 1',
  'cross-posted': 'has_threads = 1 AND has_mastodon = 1',
};

export interface PageTiming {
  filter: TimelineFilter;
  cards: number;
  samples: number;
  medianMs: number;
  p95Ms: number;
  firstPageMs: number;
  entriesPerPage: number;
}

function countCards(db: Database, filter: TimelineFilter): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM post_groups WHERE ${FILTER_WHERE[filter]}`).get() as { n: number }).n;
}

/** `before` cursors evenly spread over a filter's cards, in shuffled order so no page warms the next. */
export function spreadCursors(db: Database, filter: TimelineFilter, samples: number): string[] {
  const cards = countCards(db, filter);
  const at = db.prepare(`SELECT sort_at, id FROM post_groups WHERE ${FILTER_WHERE[filter]} ORDER BY sort_at DESC, id DESC LIMIT 1 OFFSET ?`);
  const cursors: string[] = [];
  for (let i = 0; i < samples; i += 1) {
    const offset = Math.floor((((i * 7919) % samples) / samples) * Math.max(1, cards - 60));
    const row = at.get(offset) as { sort_at: number; id: number } | undefined;
    // The reader's cursor format (timeline-read.ts encodeCursor): `<sort ms>.<group id>`.
    if (row) cursors.push(`${row.sort_at}.${row.id}`);
  }
  return cursors;
}

/** Times `call` over the cursors after a warm-up: median and p95 in ms. */
export async function timeCalls(cursors: readonly string[], call: (before: string) => unknown): Promise<{ medianMs: number; p95Ms: number }> {
  for (const before of cursors.slice(0, 10)) await call(before);
  const times: number[] = [];
  for (const before of cursors) {
    const started = performance.now();
    await call(before);
    times.push(performance.now() - started);
  }
  return { medianMs: median(times), p95Ms: p95(times) };
}

export function measurePageQueries(core: CoreModules, db: Database, samples = 400): PageTiming[] {
  const reader = core.createTimelineReader(db);
  const results: PageTiming[] = [];
  for (const filter of FILTERS) {
    const cards = countCards(db, filter);
    const cursors = spreadCursors(db, filter, samples);
    for (const before of cursors.slice(0, 20)) reader.page({ filter, limit: 50, before }); // warm-up
    const times: number[] = [];
    let entries = 0;
    for (const before of cursors) {
      const started = performance.now();
      const page = reader.page({ filter, limit: 50, before });
      times.push(performance.now() - started);
      entries += page.entries.length;
    }
    const firsts: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const started = performance.now();
      reader.page({ filter, limit: 50 });
      firsts.push(performance.now() - started);
    }
    results.push({
      filter,
      cards,
      samples: times.length,
      medianMs: median(times),
      p95Ms: p95(times),
      firstPageMs: median(firsts),
      entriesPerPage: entries / Math.max(1, times.length),
    });
  }
  return results;
}

/** EXPLAIN QUERY PLAN of the page query (the `before` form) for every filter, plus the copies look-up. */
export function pagePlans(core: CoreModules, db: Database): string[] {
  const reader = core.createTimelineReader(db);
  const lines: string[] = [];
  for (const filter of FILTERS) {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${reader.pageSql(filter)}`).all({ limit: 50, sortAt: 0, groupId: 0 }) as { detail: string }[];
    lines.push(`  ${filter.padEnd(13)} ${plan.map((row) => row.detail).join(' | ')}`);
  }
  return lines;
}
