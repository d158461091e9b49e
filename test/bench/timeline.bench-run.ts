/**
 * Merged-timeline benchmark (`npm run bench`): on a cache of 100 000 posts across both networks,
 *   1. normalize + link + store throughput (this is also how the cache is built);
 *   2. a 50-post page of the merged timeline at random cursors, per filter, with its query plan;
 *   3. navigation → first post painted, in Chromium through the browser host;
 *   4. scrolling through 10 000 posts: frame times, DOM nodes and JS heap afterwards;
 *   5. a post created on the sandbox → visible (the "new posts" pill, then its card).
 * Medians, p95s, targets and ratios are printed; nothing here fails on a number, only when
 * something is broken (no post ever appears, a page cannot load).
 *
 * The cache's raw posts are cloned from a seeded sandbox that stays up to the end, so cards load
 * their avatars and media; the host runs with in-memory secrets and no tokens, so nothing syncs
 * into that cache while it is measured. Step 5 uses its own sandbox and a host linked to it.
 * Runs under vitest (vitest.bench.config.ts) because the core needs Vite's resolver.
 *
 * BRAID_BENCH_QUICK=1 shrinks every step for a fast check; BRAID_BENCH_KEEP=1 keeps the data folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.ts';
import { buildCache, type CacheBuild } from './support/cache-build.ts';
import { fetchTemplates, type Templates } from './support/cache-seed.ts';
import { loadCore, quietCore, type CoreModules } from './support/core.ts';
import { buildApp, launchChromium, startHost, type RunningHost } from './support/host.ts';
import { linkDemoAccounts, measureLive } from './support/live.ts';
import { firstPostPainted, heapAndDom, newContext, scrollThrough, SELECTORS, VIEWPORT, type FirstPaint } from './support/page-measures.ts';
import { measurePageQueries, pagePlans, spreadCursors, timeCalls } from './support/page-query.ts';
import { formatValue, median, p95, percentile, renderTable, type ResultRow, type Target } from './support/stats.ts';

const quick = process.env.BRAID_BENCH_QUICK === '1';
const keep = process.env.BRAID_BENCH_KEEP === '1';
const RUNS = 5;
const POSTS_PER_RUN = quick ? 4_000 : 20_000;
const LOADS = quick ? 3 : 7;
const SCROLL_TARGET = quick ? 1_000 : 10_000;
const SCROLL_STEP_PX = 1_000;
const LIVE_RUNS = quick ? 3 : 7;

const TARGETS = {
  firstPaint: { kind: 'max', value: 250, unit: 'ms' },
  pageQuery: { kind: 'max', value: 2, unit: 'ms' },
  throughput: { kind: 'min', value: 20_000, unit: 'posts/s' },
  frameP95: { kind: 'max', value: 16.7, unit: 'ms' },
  domNodes: { kind: 'below', value: 2_000, unit: 'nodes' },
  heap: { kind: 'max', value: 150, unit: 'MB' },
  live: { kind: 'max', value: 1_000, unit: 'ms' },
} satisfies Record<string, Target>;

const rows: ResultRow[] = [];
const folders: string[] = [];
let core: CoreModules;
let templates: Templates;
let templateSandbox: Sandbox | undefined;
let cache: CacheBuild | undefined;
let browser: Browser | undefined;
let cacheHost: RunningHost | undefined;
let built = false;
/** Random `before` cursors of the 'all' filter, for the same query through the dispatcher and the host. */
let cursors: string[] = [];

const log = (...lines: string[]): void => console.log(lines.join('\n'));
const section = (title: string): void => log('', `── ${title} ${'─'.repeat(Math.max(0, 88 - title.length))}`);
const ms = (value: number): string => formatValue(value, 'ms');
const tempDir = (name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `braid-bench-${name}-`));
  folders.push(dir);
  return dir;
};

/** Runs a step; when it breaks, its rows say so in the table and the test fails. */
async function step(metrics: { metric: string; unit: string; target?: Target }[], run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    for (const metric of metrics) rows.push({ ...metric, value: null, note: `failed: ${reason}` });
    throw error;
  }
}

function prepareApp(): void {
  if (built) return;
  const started = performance.now();
  buildApp();
  built = true;
  log(`built the app into out/bench in ${ms(performance.now() - started)}`);
}

async function cacheBrowser(): Promise<{ browser: Browser; host: RunningHost }> {
  if (!cache) throw new Error('no cache: step 1 did not finish');
  prepareApp();
  browser ??= await launchChromium();
  if (!cacheHost) {
    if (cache.db.open) core.closeDatabase(cache.db);
    cacheHost = await startHost({ dataDir: cache.dataDir, sandboxThreads: templates.threadsOrigin });
  }
  return { browser, host: cacheHost };
}

beforeAll(async () => {
  core = await loadCore();
  log(
    '',
    `Merged timeline benchmark${quick ? ' (quick: BRAID_BENCH_QUICK=1)' : ''}`,
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc)'}, load average ${loadavg()[0]?.toFixed(2) ?? '?'}`,
  );
  // It stays up until the end: the cache's avatars and media point at it, and a page that
  // loads its images is what a user sees (the accounts have no token, so nothing syncs).
  templateSandbox = await startSandbox({ seed: 42, posts: 2_000 });
  templates = await fetchTemplates(templateSandbox);
});

afterAll(async () => {
  await cacheHost?.stop();
  await browser?.close();
  await templateSandbox?.stop();
  if (cache?.db.open) core.closeDatabase(cache.db);
  if (keep) log('', `kept the data folders: ${folders.join(', ')}`);
  else for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  log('', `load average at the end: ${loadavg().map((n) => n.toFixed(2)).join(' ')} (other work on this machine skews every number)`);
  log('', renderTable('Merged timeline: results (value = median unless the metric says otherwise; ratio = value / target)', rows));
  log(
    '',
    'Chromium runs headless with --disable-gpu (software rendering) on this machine, usually slower than a user’s',
    'desktop: read frame times and first paint as upper bounds. Throughput and page-query rows are in process',
    '(no IPC) unless they say "dispatcher" or "host HTTP API".',
  );
});

test(`1. normalize + link + store: ${RUNS} runs of ${POSTS_PER_RUN.toLocaleString('en-US')} posts into one cache`, async () => {
  await step([{ metric: 'normalize+link+store', unit: 'posts/s', target: TARGETS.throughput }], () => {
    section(`1. normalize + link + store (building a ${(RUNS * POSTS_PER_RUN).toLocaleString('en-US')}-post cache)`);
    log(
      `templates from a seeded sandbox: ${templates.threadsPosts.length} Threads posts, ${templates.threadsReposts.length} reposts, ` +
        `${templates.pairs.length} federated pairs, ${templates.mastodonPosts.length} Mastodon statuses, ${templates.mastodonBoosts.length} boosts`,
      'run  cache before   posts   normalize    store+link   together   per CPU-second   linked',
    );
    const dataDir = tempDir('cache');
    cache = buildCache(core, dataDir, templates, {
      runs: RUNS,
      postsPerRun: POSTS_PER_RUN,
      onRun: (run, index) => {
        const rate = (time: number): string => `${Math.round(run.posts / (time / 1000)).toLocaleString('en-US')}/s`.padStart(11);
        log(
          `${String(index + 1).padStart(3)}  ${run.before.toLocaleString('en-US').padStart(12)}  ${run.posts.toLocaleString('en-US').padStart(6)}  ${rate(run.normalizeMs)}  ${rate(run.storeMs)}  ${rate(run.normalizeMs + run.storeMs)}  ${rate(run.cpuMs).padStart(15)}  ${String(run.linked).padStart(7)}`,
        );
      },
    });
    const { counts } = cache;
    log(
      `cache: ${counts.posts.toLocaleString('en-US')} posts in ${counts.cards.toLocaleString('en-US')} cards, ${counts.crossPosted.toLocaleString('en-US')} cross-posted ` +
        `(${cache.expectedPairs.toLocaleString('en-US')} federated pairs made), ${counts.boosts.toLocaleString('en-US')} boosts, ${counts.media.toLocaleString('en-US')} media; ` +
        `database ${counts.fileMb.toFixed(0)} MB`,
    );
    if (counts.crossPosted < cache.expectedPairs * 0.99) log(`WARNING: only ${counts.crossPosted} of ${cache.expectedPairs} federated pairs were linked`);
    const rate = (pick: (run: CacheBuild['runs'][number]) => number): number => median(cache?.runs.map((run) => run.posts / (pick(run) / 1000)) ?? []);
    const together = cache.runs.map((run) => run.posts / ((run.normalizeMs + run.storeMs) / 1000));
    rows.push(
      {
        metric: 'normalize+link+store',
        value: rate((run) => run.normalizeMs + run.storeMs),
        extra: `min ${Math.round(Math.min(...together)).toLocaleString('en-US')}`,
        unit: 'posts/s',
        target: TARGETS.throughput,
        note: `${RUNS} runs × ${POSTS_PER_RUN.toLocaleString('en-US')}, cache growing to ${counts.posts.toLocaleString('en-US')}`,
      },
      { metric: '  normalize only', value: rate((run) => run.normalizeMs), unit: 'posts/s' },
      { metric: '  link+store only', value: rate((run) => run.storeMs), unit: 'posts/s', note: 'one transaction per ~500-post page' },
      { metric: '  per CPU-second (all three)', value: rate((run) => run.cpuMs), unit: 'posts/s', note: 'process CPU time; steadier on a busy machine' },
    );
  });
});

test('2. a 50-post page of the merged timeline at random cursors', async () => {
  await step([{ metric: '50-post page query (all)', unit: 'ms', target: TARGETS.pageQuery }], async () => {
    if (!cache) throw new Error('no cache: step 1 did not finish');
    section('2. 50-post page query (timeline.page in process, random `before` cursors)');
    const timings = measurePageQueries(core, cache.db);
    log('filter          cards   median      p95    first page');
    for (const t of timings) {
      log(`${t.filter.padEnd(13)} ${t.cards.toLocaleString('en-US').padStart(7)}  ${ms(t.medianMs).padStart(8)}  ${ms(t.p95Ms).padStart(8)}  ${ms(t.firstPageMs).padStart(8)}`);
    }
    log('query plan of the page query (before a cursor):', ...pagePlans(core, cache.db));
    const all = timings.find((t) => t.filter === 'all');
    if (!all || all.entriesPerPage < 50) throw new Error(`the page query returned ${all?.entriesPerPage ?? 0} entries per page, not 50`);
    rows.push({ metric: '50-post page query (all)', value: all.medianMs, extra: `p95 ${ms(all.p95Ms)}`, unit: 'ms', target: TARGETS.pageQuery, note: `${all.samples} random cursors` });
    const worst = timings.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
    rows.push({ metric: `  slowest filter (${worst.filter})`, value: worst.medianMs, extra: `p95 ${ms(worst.p95Ms)}`, unit: 'ms', target: TARGETS.pageQuery });

    // The same page through the contract's dispatcher (zod checks input and output), as IPC and the host call it.
    cursors = spreadCursors(cache.db, 'all', 200);
    const app = quietCore(core, cache.dataDir, templates.threadsOrigin);
    try {
      const dispatched = await timeCalls(cursors, async (before) => {
        const answer = await app.dispatch('timeline.page', { filter: 'all', limit: 50, before });
        if (!answer.ok) throw new Error(`timeline.page through the dispatcher failed: ${answer.error?.message ?? ''}`);
      });
      log(`through the contract dispatcher (zod on input and output): median ${ms(dispatched.medianMs)}, p95 ${ms(dispatched.p95Ms)}`);
      rows.push({ metric: '  same, through the dispatcher', value: dispatched.medianMs, extra: `p95 ${ms(dispatched.p95Ms)}`, unit: 'ms', note: 'zod validates input and output' });
      // The core's handler without zod: the page plus its Fediverse sharing badges (one facts
      // query per page; missing facts are only queued), against the bare reader's row above.
      const badged = await timeCalls(cursors, (before) => app.handlers['timeline.page']?.({ filter: 'all', limit: 50, before }));
      log(`with sharing badges (the core's handler, no zod): median ${ms(badged.medianMs)}, p95 ${ms(badged.p95Ms)}`);
      rows.push({ metric: '  same, with sharing badges', value: badged.medianMs, extra: `p95 ${ms(badged.p95Ms)}`, unit: 'ms', target: TARGETS.pageQuery, note: 'the core handler: page + badges, no zod' });
    } finally {
      app.close();
    }
  });
});

test(`3. navigation → first post painted (${LOADS} cold page loads)`, async () => {
  await step([{ metric: 'navigation → first post painted', unit: 'ms', target: TARGETS.firstPaint }], async () => {
    section(`3. navigation → first post painted (Chromium ${VIEWPORT.width}×${VIEWPORT.height}, browser host on the cache)`);
    const { browser, host } = await cacheBrowser();
    log(`Chromium ${browser.version()}; each load in a fresh browser context (empty cache and storage)`);
    const loads: FirstPaint[] = [];
    for (let i = 0; i < LOADS; i += 1) loads.push(await firstPostPainted(browser, host.url));
    log('times from navigation start:', 'load  script in  DOMContentLoaded  1st API call  timeline.page call    card in DOM   painted');
    loads.forEach((load, i) => {
      const call = load.pageCall ? `${ms(load.pageCall.startMs)} → ${ms(load.pageCall.endMs)}` : '—';
      log(
        `${String(i + 1).padStart(4)}  ${ms(load.scriptLoadedMs).padStart(9)}  ${ms(load.domContentLoadedMs).padStart(16)}  ${ms(load.firstCallMs).padStart(12)}  ${call.padStart(18)}  ${ms(load.inDomMs).padStart(12)}  ${ms(load.paintedMs).padStart(8)}`,
      );
    });
    const painted = loads.map((load) => load.paintedMs);
    rows.push({
      metric: 'navigation → first post painted',
      value: median(painted),
      extra: `p95 ${ms(p95(painted))}`,
      unit: 'ms',
      target: TARGETS.firstPaint,
      note: `${LOADS} cold loads; first after host start ${ms(painted[0] ?? Number.NaN)}`,
    });

    // What the page's own client pays for one page: HTTP, the dispatcher, JSON both ways.
    const overHttp = await timeCalls(cursors.slice(0, 100), (before) => host.call('timeline.page', { filter: 'all', limit: 50, before }));
    log(`timeline.page over the host's HTTP API (from Node): median ${ms(overHttp.medianMs)}, p95 ${ms(overHttp.p95Ms)}`);
    rows.push({ metric: '  50-post page over the host HTTP API', value: overHttp.medianMs, extra: `p95 ${ms(overHttp.p95Ms)}`, unit: 'ms', note: 'what the renderer waits for per page' });
  });
});

test(`4. scrolling through ${SCROLL_TARGET.toLocaleString('en-US')} posts`, async () => {
  const metrics = [
    { metric: `scroll ${SCROLL_TARGET.toLocaleString('en-US')}: frame time p95`, unit: 'ms', target: TARGETS.frameP95 },
    { metric: '  DOM elements after', unit: 'nodes', target: TARGETS.domNodes },
    { metric: '  JS heap after (after GC)', unit: 'MB', target: TARGETS.heap },
  ];
  await step(metrics, async () => {
    section(`4. scrolling through ${SCROLL_TARGET.toLocaleString('en-US')} posts (${SCROLL_STEP_PX} px per animation frame)`);
    const { browser, host } = await cacheBrowser();
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(host.url);
      await page.waitForSelector(SELECTORS.CARD, { timeout: 60_000 });
      const before = await heapAndDom(page);
      log(`after the first page: ${before.domNodes} DOM elements, JS heap ${before.heapMb.toFixed(1)} MB`);
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on('response', (response) => {
        if (response.url().includes('/api/') && !response.ok()) problems.push(`HTTP ${response.status()} ${new URL(response.url()).pathname}`);
      });
      const result = await scrollThrough(page, { target: SCROLL_TARGET, stepPx: SCROLL_STEP_PX, timeoutMs: 6 * 60_000, stallMs: 15_000 });
      const after = await heapAndDom(page);
      const frames = result.frames;
      const BAND = Math.max(100, Math.round(SCROLL_TARGET / 10));
      const band = (from: number, to: number): number[] => frames.filter((_, i) => (result.frameReached[i] ?? 0) > from && (result.frameReached[i] ?? 0) <= to);
      const over = (limit: number): string => `${((frames.filter((f) => f > limit).length / Math.max(1, frames.length)) * 100).toFixed(1)}%`;
      log(
        `reached post ${result.reached.toLocaleString('en-US')} after ${(result.elapsedMs / 1000).toFixed(1)} s and ${(result.scrolledPx / 1e6).toFixed(2)} Mpx; ` +
          `${frames.length} scrolling frames, ${result.waitingFrames} frames waiting at the end of what was loaded (longest wait ${ms(result.longestWaitMs)})`,
        `frame times: p50 ${ms(percentile(frames, 50))}, p95 ${ms(p95(frames))}, p99 ${ms(percentile(frames, 99))}, max ${ms(Math.max(...frames))}; ` +
          `over 16.7 ms: ${over(16.7)}, over 50 ms: ${over(50)}`,
        `frame time p95 while reaching the first ${BAND.toLocaleString('en-US')} posts: ${ms(p95(band(0, BAND)))}; the last ${BAND.toLocaleString('en-US')}: ${ms(p95(band(SCROLL_TARGET - BAND, Number.POSITIVE_INFINITY)))} ` +
          `(a rise means per-frame work grows with the posts loaded)`,
        `after scrolling: ${after.domNodes} DOM elements, JS heap ${after.heapMb.toFixed(1)} MB (after a forced GC)`,
      );
      if (result.stall) {
        const { footer, busy, scrollTop, scrollHeight, clientHeight, cards } = result.stall;
        log(
          `STALLED: the list sat at its end for 15 s without loading older posts, at post ${result.reached}.`,
          `  footer: "${footer}"; aria-busy=${busy}; scrollTop ${scrollTop} of ${scrollHeight} (viewport ${clientHeight}); ${cards} cards drawn`,
          ...problems.slice(0, 10).map((line) => `  ${line}`),
        );
      }
      if (result.reached < SCROLL_TARGET) {
        throw new Error(`scrolling stopped at post ${result.reached} of ${SCROLL_TARGET}${result.stall ? ': the list stopped loading older posts' : result.timedOut ? ' (timed out)' : ''}`);
      }
      rows.push(
        { metric: metrics[0]?.metric ?? '', value: p95(frames), extra: `p50 ${ms(percentile(frames, 50))}`, unit: 'ms', target: TARGETS.frameP95, note: `${frames.length} frames, ${SCROLL_STEP_PX} px/frame` },
        { metric: '  DOM elements after', value: after.domNodes, unit: 'nodes', target: TARGETS.domNodes, note: `${before.domNodes} after the first page` },
        { metric: '  JS heap after (after GC)', value: after.heapMb, unit: 'MB', target: TARGETS.heap, note: `${before.heapMb.toFixed(1)} MB after the first page` },
      );
    } finally {
      await context.close();
    }
  });
});

test(`5. a post created on the sandbox → visible (${LIVE_RUNS} posts per network)`, async () => {
  const metrics = [
    { metric: 'Mastodon post → "new posts" pill', unit: 'ms', target: TARGETS.live },
    { metric: '  Threads post (federated) → pill', unit: 'ms', target: TARGETS.live },
    { metric: '  click on pill → card painted', unit: 'ms' },
  ];
  await step(metrics, async () => {
    section('5. a post created on the sandbox → visible (host linked to both demo accounts, Mastodon streaming)');
    prepareApp();
    browser ??= await launchChromium();
    const sandbox = await startSandbox({ seed: 42 });
    const host = await startHost({ dataDir: tempDir('live'), sandboxThreads: sandbox.threads.origin });
    try {
      await linkDemoAccounts(host, sandbox);
      const live = await measureLive(browser, host, sandbox, LIVE_RUNS);
      const show = (name: string, samples: typeof live.mastodon): void =>
        log(`${name.padEnd(28)} pill: ${samples.map((s) => s.pillMs.toFixed(0)).join(', ')} ms;  click → card: ${samples.map((s) => s.clickToCardMs.toFixed(0)).join(', ')} ms`);
      log(`first sync stored ${live.syncedPosts} posts; then:`);
      show('Mastodon status by @mona', live.mastodon);
      show('Threads post by alice', live.threadsFederated);
      const pill = live.mastodon.map((s) => s.pillMs);
      const threadsPill = live.threadsFederated.map((s) => s.pillMs);
      const click = [...live.mastodon, ...live.threadsFederated].map((s) => s.clickToCardMs);
      rows.push(
        { metric: metrics[0]?.metric ?? '', value: median(pill), extra: `p95 ${ms(p95(pill))}`, unit: 'ms', target: TARGETS.live, note: 'created → pill painted (streaming)' },
        { metric: metrics[1]?.metric ?? '', value: median(threadsPill), extra: `p95 ${ms(p95(threadsPill))}`, unit: 'ms', target: TARGETS.live, note: 'its copy arrives over ActivityPub + streaming' },
        { metric: metrics[2]?.metric ?? '', value: median(click), extra: `p95 ${ms(p95(click))}`, unit: 'ms' },
      );
    } finally {
      await host.stop();
      await sandbox.stop();
    }
  });
});
