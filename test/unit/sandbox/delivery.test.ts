/** The ActivityPub delivery queue: delay, retry on failure, no retry on 4xx, direct mode. */
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../sandbox/core/http.ts';
import { createFederation } from '../../sandbox/federation/delivery.ts';

const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** An inbox that answers with the given statuses in turn, recording what it received. */
async function inbox(statuses: number[]): Promise<{ url: string; received: unknown[]; app: Hono }> {
  const received: unknown[] = [];
  const app = new Hono();
  app.post('/inbox', async (c) => {
    received.push(await c.req.json());
    return c.body(null, (statuses.shift() ?? 202) as 202);
  });
  const server = await listen(app);
  servers.push(server);
  return { url: `${server.origin}/inbox`, received, app };
}

const like = { id: 'https://example.test/likes/1', type: 'Like' as const, actor: 'https://example.test/users/a', object: 'https://example.test/notes/1' };

describe('federation delivery', () => {
  it('delivers with the ActivityStreams context and records the result', async () => {
    const target = await inbox([202]);
    const federation = createFederation({ delayMs: 10 });
    federation.deliver(target.url, like);
    expect(target.received).toHaveLength(0);
    await federation.idle();
    expect(target.received).toEqual([{ '@context': 'https://www.w3.org/ns/activitystreams', ...like }]);
    expect(federation.deliveries()).toEqual([{ inbox: target.url, type: 'Like', activityId: like.id, status: 202, attempts: 1, ok: true }]);
  });

  it('retries 5xx and connection failures with backoff, but not 4xx', async () => {
    const flaky = await inbox([503, 500, 202]);
    const refusing = await inbox([400]);
    const logged: string[] = [];
    const federation = createFederation({ retryBaseMs: 5, log: (line) => logged.push(line) });
    federation.deliver(flaky.url, like);
    federation.deliver(refusing.url, like);
    federation.deliver('http://127.0.0.1:9/inbox', like);
    await federation.idle();
    const byInbox = Object.fromEntries(federation.deliveries().map((d) => [d.inbox, d]));
    expect(byInbox[flaky.url]).toMatchObject({ ok: true, attempts: 3 });
    expect(byInbox[refusing.url]).toMatchObject({ ok: false, attempts: 1, status: 400 });
    expect(byInbox['http://127.0.0.1:9/inbox']).toMatchObject({ ok: false, attempts: 4, status: 0 });
    expect(logged).toHaveLength(2);
    expect(logged.join('\n')).toContain(`delivery of Like to ${refusing.url} failed (status 400, 1 attempts)`);
  });

  it('serves a registered origin in process in direct mode', async () => {
    const target = await inbox([]);
    const federation = createFederation({ delayMs: 1000 });
    federation.registerOrigin(new URL(target.url).origin, (request) => Promise.resolve(target.app.fetch(request)));
    federation.setDirect(true);
    federation.setDelay(0);
    federation.deliver(target.url, like);
    await federation.idle();
    expect(target.received).toHaveLength(1);
  });
});
