/**
 * What a person sees, measured inside Chromium: the first post painted after navigation, frame
 * times while scrolling far down the merged timeline, the DOM and heap that leaves behind, and a
 * new post on the sandbox becoming visible.
 *
 * Times inside the page are `performance.now()` (0 = navigation start). "Painted" is taken after
 * the frame that first shows the element: a requestAnimationFrame callback (style, layout and
 * paint of that frame follow it) posts a message, and the message runs once that frame is done.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const VIEWPORT = { width: 1280, height: 800 } as const;

const CARD = '[data-testid="post-card"]';
const LIST = '[data-testid="timeline-list"]';
const PILL = '[data-testid="new-posts-pill"]';
/** The list's last row: loading, end of timeline, or a retry button. */
const FOOTER = '[data-testid="timeline-end"]';

interface FirstCardState {
  card: number | null;
  painted: number | null;
}

declare global {
  interface Window {
    __braidBench?: FirstCardState;
  }
}

/** Runs in the page before any of its scripts. */
function watchFirstCard(selector: string): void {
  const state: FirstCardState = { card: null, painted: null };
  window.__braidBench = state;
  const observer = new MutationObserver(() => {
    if (state.card !== null || !document.querySelector(selector)) return;
    state.card = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => (state.painted = performance.now());
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document, { childList: true, subtree: true });
}

export interface FirstPaint {
  /** Navigation start → the frame showing the first post card is done. */
  paintedMs: number;
  /** Navigation start → the card is in the DOM. */
  inDomMs: number;
  domContentLoadedMs: number;
  /** The app's script has arrived (resource timing). */
  scriptLoadedMs: number;
  /** The first contract call leaves the page. */
  firstCallMs: number;
  /** The first `timeline.page` call, as the page's resource timing saw it. */
  pageCall: { startMs: number; endMs: number } | null;
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: VIEWPORT });
}

/** One cold load (a fresh browser context: no cache, no storage) up to the first painted post. */
export async function firstPostPainted(browser: Browser, url: string): Promise<FirstPaint> {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.addInitScript(watchFirstCard, CARD);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window.__braidBench?.painted ?? null) !== null, null, { timeout: 60_000, polling: 50 });
    return await page.evaluate(() => {
      const state = window.__braidBench as FirstCardState;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const call = resources.find((entry) => entry.name.includes('/api/timeline.page'));
      const script = resources.find((entry) => /\/assets\/[^/]+\.js$/.test(new URL(entry.name).pathname));
      const firstCall = resources.find((entry) => entry.name.includes('/api/'));
      return {
        scriptLoadedMs: script?.responseEnd ?? Number.NaN,
        firstCallMs: firstCall?.startTime ?? Number.NaN,
        paintedMs: state.painted ?? Number.NaN,
        inDomMs: state.card ?? Number.NaN,
        domContentLoadedMs: nav?.domContentLoadedEventEnd ?? Number.NaN,
        pageCall: call ? { startMs: call.startTime, endMs: call.responseEnd } : null,
      };
    });
  } finally {
    await context.close();
  }
}

export interface HeapAndDom {
  domNodes: number;
  heapMb: number;
}

/** DOM elements, and the JS heap after a forced full collection (through the DevTools protocol). */
export async function heapAndDom(page: Page): Promise<HeapAndDom> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    return { domNodes, heapMb: usedSize / 1e6 };
  } finally {
    await cdp.detach();
  }
}

export interface ScrollResult {
  /** rAF-to-rAF times of frames that followed a scroll step. */
  frames: number[];
  /** For each frame, the furthest post position drawn so far (to compare early and late frames). */
  frameReached: number[];
  /** Frames spent at the bottom of what was loaded, waiting for the next page. */
  waitingFrames: number;
  reached: number;
  elapsedMs: number;
  scrolledPx: number;
  timedOut: boolean;
  /** Longest stretch at the bottom waiting for older posts. */
  longestWaitMs: number;
  /** Set when the list sat at its end for `stallMs` without loading more: what the page showed then. */
  stall: { footer: string; busy: string | null; scrollTop: number; scrollHeight: number; clientHeight: number; cards: number } | null;
}

/**
 * Scrolls the timeline list by `stepPx` every animation frame until a card at position `target`
 * (aria-posinset) has been drawn; the list loads older pages by itself as the end nears.
 */
export async function scrollThrough(page: Page, options: { target: number; stepPx: number; timeoutMs: number; stallMs: number }): Promise<ScrollResult> {
  return page.evaluate(
    ({ target, stepPx, timeoutMs, stallMs, list, card, footer }) =>
      new Promise<ScrollResult>((resolve, reject) => {
        const root = document.querySelector<HTMLElement>(list);
        if (!root) return reject(new Error(`no ${list} in the page`));
        // The list element scrolls itself, or holds the element that does.
        const scrollable = (el: HTMLElement): boolean => el.scrollHeight > el.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(el).overflowY);
        const scroller = scrollable(root) ? root : ([...root.querySelectorAll<HTMLElement>('*')].find(scrollable) ?? root);
        const frames: number[] = [];
        const frameReached: number[] = [];
        let waitingFrames = 0;
        let reached = 0;
        let scrolledPx = 0;
        let stepped = false;
        let waitStart: number | null = null;
        let longestWaitMs = 0;
        let last = 0;
        const started = performance.now();
        const tick = (now: number): void => {
          if (stepped) frames.push(now - last);
          last = now;
          for (const el of scroller.querySelectorAll(card)) reached = Math.max(reached, Number(el.getAttribute('aria-posinset')) || 0);
          if (stepped) frameReached.push(reached);
          const timedOut = now - started > timeoutMs;
          const stalled = waitStart !== null && now - waitStart > stallMs;
          if (reached >= target || timedOut || stalled) {
            if (waitStart !== null) longestWaitMs = Math.max(longestWaitMs, now - waitStart);
            const stall = stalled
              ? {
                  footer: (document.querySelector(footer)?.textContent ?? '(no footer)').replace(/\s+/g, ' ').trim(),
                  busy: root.getAttribute('aria-busy'),
                  scrollTop: scroller.scrollTop,
                  scrollHeight: scroller.scrollHeight,
                  clientHeight: scroller.clientHeight,
                  cards: scroller.querySelectorAll(card).length,
                }
              : null;
            resolve({ frames, frameReached, waitingFrames, reached, elapsedMs: now - started, scrolledPx, timedOut, longestWaitMs, stall });
            return;
          }
          const before = scroller.scrollTop;
          scroller.scrollTop = before + stepPx;
          const moved = scroller.scrollTop - before;
          stepped = moved > 0;
          scrolledPx += Math.max(0, moved);
          if (stepped) {
            if (waitStart !== null) longestWaitMs = Math.max(longestWaitMs, now - waitStart);
            waitStart = null;
          } else {
            waitingFrames += 1;
            waitStart ??= now;
          }
          requestAnimationFrame(tick);
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
      }),
    { ...options, list: LIST, card: CARD, footer: FOOTER },
  );
}

/** Resolves with the wall-clock time (ms since the epoch) the frame first showing `selector` (with `text`, if given) was done. */
export async function armPaintWatch(page: Page, selector: string, text?: string): Promise<() => Promise<number>> {
  const key = `w${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({ key, selector, text }) => {
      const slots = ((window as unknown as { __braidWatch?: Record<string, number | null> }).__braidWatch ??= {});
      slots[key] = null;
      const present = (): boolean => [...document.querySelectorAll(selector)].some((el) => text === undefined || (el.textContent ?? '').includes(text));
      const done = (): void => {
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => (slots[key] = performance.timeOrigin + performance.now());
          channel.port2.postMessage(null);
        });
      };
      if (present()) return done();
      const observer = new MutationObserver(() => {
        if (!present()) return;
        observer.disconnect();
        done();
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    },
    { key, selector, ...(text === undefined ? {} : { text }) },
  );
  return async () => {
    const handle = await page.waitForFunction(
      (k) => (window as unknown as { __braidWatch?: Record<string, number | null> }).__braidWatch?.[k] ?? null,
      key,
      { timeout: 30_000, polling: 'raf' },
    );
    return (await handle.jsonValue()) as number;
  };
}

/** Clicks the new-posts pill from inside the page; returns the wall-clock time of the click. */
export function clickPill(page: Page): Promise<number> {
  return page.evaluate((pill) => {
    const button = document.querySelector<HTMLButtonElement>(pill);
    if (!button) throw new Error('the new-posts pill is gone');
    const at = performance.timeOrigin + performance.now();
    button.click();
    return at;
  }, PILL);
}

export const SELECTORS = { CARD, LIST, PILL } as const;
