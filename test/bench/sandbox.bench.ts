/**
 * Sandbox benchmark: how fast the seed generator fills both servers, how much memory that
 * takes, and how page latency grows from 10 000 to 100 000 posts. Printed as medians and
 * ratios (`npm run bench`); not a test, nothing here passes or fails.
 *
 *   node --expose-gc test/bench/sandbox.bench.ts [--quick]
 */
import { startSandbox, type Sandbox } from '../sandbox/index.ts';

const quick = process.argv.includes('--quick');
const SCALES = quick ? [2_000, 10_000] : [10_000, 100_000];
const SEED_RUNS = quick ? 1 : 2;
const REQUESTS = 60;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] as number;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function timeRequests(url: () => string, headers: Record<string, string> = {}): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i += 1) {
    const started = performance.now();
    const response = await fetch(url(), { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url()} answered ${response.status}`);
    times.push(performance.now() - started);
  }
  return times.slice(5); // the first requests warm up the JIT
}

interface ScaleResult {
  posts: number;
  seedMs: number;
  heapMb: number;
  pages: Record<string, { median: number; p95: number }>;
}

async function measurePages(sandbox: Sandbox): Promise<ScaleResult['pages']> {
  const { mastodon, threads } = sandbox;
  const demo = mastodon.admin.findAccount('braid_demo');
  const threadsDemo = threads.admin.findUser('braid_demo');
  if (!demo || !threadsDemo) throw new Error('the seed has no demo users');
  const auth = { authorization: `Bearer ${mastodon.admin.createToken(demo.id, ['read'])}` };
  const threadsToken = threads.admin.createToken(threadsDemo.id);
  const home = (await (await fetch(`${mastodon.origin}/api/v1/timelines/home?limit=40`, { headers: auth })).json()) as { id: string }[];
  // A page deep in the past: what backfill and gap filling ask for.
  let deepMaxId = home.at(-1)?.id ?? '';
  for (let i = 0; i < 10; i += 1) {
    const page = (await (await fetch(`${mastodon.origin}/api/v1/timelines/home?limit=40&max_id=${deepMaxId}`, { headers: auth })).json()) as { id: string }[];
    deepMaxId = page.at(-1)?.id ?? deepMaxId;
  }
  const fields = 'id,media_type,text,timestamp,permalink,username,is_shared_to_fediverse';
  const runs: Record<string, number[]> = {
    'mastodon home, newest 40': await timeRequests(() => `${mastodon.origin}/api/v1/timelines/home?limit=40`, auth),
    'mastodon home, 400 posts back': await timeRequests(() => `${mastodon.origin}/api/v1/timelines/home?limit=40&max_id=${deepMaxId}`, auth),
    'mastodon public, newest 40': await timeRequests(() => `${mastodon.origin}/api/v1/timelines/public?limit=40`),
    'threads following feed, 100': await timeRequests(() => `${threads.origin}/v1.0/me/braid_following_feed?fields=${fields}&limit=100&access_token=${threadsToken}`),
    'threads /me/threads, 100': await timeRequests(() => `${threads.origin}/v1.0/me/threads?fields=${fields}&limit=100&access_token=${threadsToken}`),
  };
  return Object.fromEntries(Object.entries(runs).map(([name, times]) => [name, { median: median(times), p95: p95(times) }]));
}

async function measureScale(posts: number): Promise<ScaleResult> {
  const seedTimes: number[] = [];
  const heaps: number[] = [];
  let pages: ScaleResult['pages'] = {};
  for (let run = 0; run < SEED_RUNS; run += 1) {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const started = performance.now();
    const sandbox = await startSandbox({ seed: 42, posts });
    seedTimes.push(performance.now() - started);
    gc();
    heaps.push((process.memoryUsage().heapUsed - baseline) / 1e6);
    if (run === SEED_RUNS - 1) pages = await measurePages(sandbox);
    await sandbox.stop();
  }
  return { posts, seedMs: median(seedTimes), heapMb: median(heaps), pages };
}

const results: ScaleResult[] = [];
for (const posts of SCALES) {
  process.stderr.write(`seeding ${posts} posts…\n`);
  results.push(await measureScale(posts));
}
const [small, large] = results as [ScaleResult, ScaleResult];
const fmt = (n: number, digits = 1): string => n.toFixed(digits).padStart(9);
console.log(`\nSandbox benchmark (seed 42; medians of ${SEED_RUNS} seeds and ${REQUESTS - 5} requests)${(globalThis as { gc?: unknown }).gc ? '' : ' — run with --expose-gc for exact heap numbers'}`);
console.log(`${'measure'.padEnd(44)}${String(small.posts).padStart(9)}${String(large.posts).padStart(9)}    ratio`);
console.log(`${'seed time (s)'.padEnd(44)}${fmt(small.seedMs / 1000)}${fmt(large.seedMs / 1000)}${fmt(large.seedMs / small.seedMs, 2)}x`);
console.log(`${'seed rate (posts/s)'.padEnd(44)}${fmt(small.posts / (small.seedMs / 1000), 0)}${fmt(large.posts / (large.seedMs / 1000), 0)}`);
console.log(`${'heap held by both servers (MB)'.padEnd(44)}${fmt(small.heapMb)}${fmt(large.heapMb)}${fmt(large.heapMb / small.heapMb, 2)}x`);
for (const name of Object.keys(small.pages)) {
  const a = small.pages[name];
  const b = large.pages[name];
  if (!a || !b) continue;
  console.log(`${`${name} median (ms)`.padEnd(44)}${fmt(a.median, 2)}${fmt(b.median, 2)}${fmt(b.median / a.median, 2)}x   p95 ${b.p95.toFixed(2)} ms`);
}
console.log(`\nPosts grew ${large.posts / small.posts}x; page latency ratios near 1x mean paging does not scan the whole store.`);
