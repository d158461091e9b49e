/**
 * `npm run sandbox` end to end: start the CLI on free ports, read its ready line, use both
 * servers with the demo login it prints, and stop it with SIGTERM.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, '../../sandbox/cli.ts');

interface Ready {
  threads: string;
  mastodon: string;
  demo: { username: string; password: string };
  seeded: { threadsPosts: number; mastodonStatuses: number } | null;
}

describe('npm run sandbox', () => {
  it('starts seeded servers, prints where they are, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--threads-port', '0', '--mastodon-port', '0', '--posts', '60', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const line = await new Promise<string>((done, fail) => {
        createInterface({ input: child.stdout }).once('line', done);
        child.once('exit', (code) => fail(new Error(`sandbox exited with ${code}: ${stderr}`)));
      });
      const ready = JSON.parse(line) as Ready;
      expect(ready.threads).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.mastodon).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.seeded?.threadsPosts ?? 0).toBeGreaterThan(0);
      expect(ready.seeded?.mastodonStatuses ?? 0).toBeGreaterThan(0);

      const instance = (await (await fetch(`${ready.mastodon}/api/v2/instance`)).json()) as { domain: string };
      expect(instance.domain).toBe(new URL(ready.mastodon).host);
      const webfinger = await fetch(`${ready.threads}/.well-known/webfinger?resource=acct:${ready.demo.username}@${new URL(ready.threads).host}`);
      expect(webfinger.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('explains a bad argument instead of starting', async () => {
    const child = spawn(process.execPath, [CLI, '--posts', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(2);
    expect(stderr).toContain('--posts must be a whole number');
  });
});
