/**
 * The sandbox's cast. Fixed names, so tests and the README can refer to them; every kind of
 * person Braid must handle is here: sharing and non-sharing Threads users, a private one, one
 * under 18, a verified one, a bot and a locked account on Mastodon, and a demo user on each
 * side whose Mastodon profile links (rel=me, verified) to their Threads profile.
 */
export const DEMO_USERNAME = 'braid_demo';
export const DEMO_PASSWORD = 'braid-demo-password';
/** Every seeded user's password is `<username>-password`, except the demo users'. */
export const passwordFor = (username: string): string => (username === DEMO_USERNAME ? DEMO_PASSWORD : `${username}-password`);

export interface ThreadsPerson {
  username: string;
  name: string;
  biography: string;
  sharing: boolean;
  isPrivate?: boolean;
  age?: number;
  isVerified?: boolean;
  /** Relative posting frequency. */
  weight: number;
}

export interface MastodonPerson {
  username: string;
  displayName: string;
  note: string;
  bot?: boolean;
  locked?: boolean;
  weight: number;
}

export const THREADS_PEOPLE: readonly ThreadsPerson[] = [
  { username: DEMO_USERNAME, name: 'Braid Demo', biography: 'Trying Braid: one timeline for Threads and Mastodon.', sharing: true, weight: 2 },
  { username: 'alice', name: 'Alice Moreau', biography: 'Photographer. Shares to the Fediverse.', sharing: true, isVerified: true, weight: 5 },
  { username: 'bob.builds', name: 'Bob Okafor', biography: 'Woodworking, bikes, bad puns.', sharing: true, weight: 4 },
  { username: 'carol', name: 'Carol Jensen', biography: 'Threads only, thanks.', sharing: false, weight: 4 },
  { username: 'dan_private', name: 'Dan (private)', biography: 'Private profile: cannot share to the Fediverse.', sharing: false, isPrivate: true, weight: 2 },
  { username: 'teen_taylor', name: 'Taylor', biography: 'Under 18: cannot share to the Fediverse.', sharing: false, age: 16, weight: 2 },
  { username: 'frank.news', name: 'Frank Daily', biography: 'News as it happens.', sharing: true, isVerified: true, weight: 6 },
  { username: 'grace', name: 'Grace Lin', biography: 'Eligible, but has not turned sharing on.', sharing: false, weight: 3 },
];

export const MASTODON_PEOPLE: readonly MastodonPerson[] = [
  { username: DEMO_USERNAME, displayName: 'Braid Demo', note: 'The Mastodon half of the Braid demo.', weight: 2 },
  { username: 'mona', displayName: 'Mona Ruiz', note: 'Free software, tea, long walks.', weight: 5 },
  { username: 'ned', displayName: 'Ned', note: 'Posts about birds. Mostly birds.', weight: 4 },
  { username: 'olive', displayName: 'Olive Park', note: 'Uses content warnings for spoilers.', weight: 4 },
  { username: 'pat_bot', displayName: 'Pat the Weather Bot', note: 'Automated forecasts every few hours.', bot: true, weight: 3 },
  { username: 'quinn', displayName: 'Quinn', note: 'Locked account: follow requests are reviewed.', locked: true, weight: 2 },
];

/** Threads follows (follower → followed), by username. */
export const THREADS_FOLLOWS: readonly [string, string][] = [
  [DEMO_USERNAME, 'alice'],
  [DEMO_USERNAME, 'bob.builds'],
  [DEMO_USERNAME, 'carol'],
  [DEMO_USERNAME, 'dan_private'],
  [DEMO_USERNAME, 'frank.news'],
  [DEMO_USERNAME, 'grace'],
  [DEMO_USERNAME, 'teen_taylor'],
  ['alice', 'bob.builds'],
  ['alice', DEMO_USERNAME],
  ['bob.builds', 'alice'],
  ['carol', 'alice'],
  ['carol', 'frank.news'],
  ['grace', 'carol'],
  ['frank.news', 'alice'],
];

/** Local Mastodon follows (follower → followed). */
export const MASTODON_FOLLOWS: readonly [string, string][] = [
  [DEMO_USERNAME, 'mona'],
  [DEMO_USERNAME, 'ned'],
  [DEMO_USERNAME, 'olive'],
  [DEMO_USERNAME, 'pat_bot'],
  [DEMO_USERNAME, 'quinn'],
  ['mona', 'ned'],
  ['mona', DEMO_USERNAME],
  ['ned', 'olive'],
  ['olive', 'mona'],
];

/** Mastodon users following Threads users across the federation (only sharing ones can be). */
export const CROSS_FOLLOWS: readonly [mastodonUser: string, threadsUser: string][] = [
  [DEMO_USERNAME, DEMO_USERNAME],
  [DEMO_USERNAME, 'alice'],
  [DEMO_USERNAME, 'bob.builds'],
  [DEMO_USERNAME, 'frank.news'],
  ['mona', 'alice'],
  ['mona', 'frank.news'],
  ['ned', 'bob.builds'],
  ['olive', 'alice'],
];
