/**
 * Post text that exercises what Braid renders: mentions, hashtags, links, emoji, custom emoji,
 * long text near the limits, and threads of several parts. Deterministic for a given Rng.
 */
import type { Rng } from '../core/random.ts';

const OPENERS = [
  'Just finished',
  'Thinking about',
  'Hot take on',
  'Can we talk about',
  'Morning thought:',
  'Reminder that',
  'Tried',
  'Loving',
  'Not sure about',
  'Small win today:',
];
const TOPICS = [
  'the new bike lane downtown',
  'sourdough starters',
  'open protocols',
  'the season finale',
  'rainy Sunday walks',
  'mechanical keyboards',
  'the local library sale',
  'a pour-over that finally tasted right',
  'migrating servers',
  'birdwatching at dawn',
  'our community garden',
  'the jazz record I found',
];
const CLOSERS = ['', '', ' Thoughts?', ' 10/10.', ' More soon.', ' Anyone else?', ' Honestly wild.', ' Worth it.'];
const EMOJI = ['🌧️', '☕', '🚲', '📚', '🎶', '🌱', '🐦', '✨', '🔥', '🙌', '🧵'];
const HASHTAGS = ['#photography', '#fediverse', '#threads', '#coffee', '#cycling', '#books', '#birds', '#opensource', '#gardening'];
const LINKS = ['https://example.org/articles/open-web', 'https://example.com/recipes/sourdough', 'https://example.net/blog/2026/11/notes'];

export interface TextOptions {
  /** Usernames (local to the network) that may be @mentioned. */
  mentionable: readonly string[];
  /** Custom emoji shortcodes (Mastodon); empty on Threads. */
  customEmoji: readonly string[];
}

export function postText(rng: Rng, options: TextOptions): string {
  let text = `${rng.pick(OPENERS)} ${rng.pick(TOPICS)}.${rng.pick(CLOSERS)}`;
  if (rng.chance(0.35)) text += ` ${rng.pick(EMOJI)}`;
  if (rng.chance(0.2) && options.mentionable.length > 0) text = `@${rng.pick(options.mentionable)} ${text}`;
  if (rng.chance(0.3)) text += ` ${rng.pick(HASHTAGS)}`;
  if (rng.chance(0.15)) text += ` ${rng.pick(LINKS)}`;
  if (rng.chance(0.1) && options.customEmoji.length > 0) text += ` :${rng.pick(options.customEmoji)}:`;
  if (rng.chance(0.04)) text += `\n\n${longParagraph(rng)}`;
  return text;
}

/** A paragraph long enough to need "show more" (kept under 500 characters with the rest). */
function longParagraph(rng: Rng): string {
  const parts: string[] = [];
  while (parts.join(' ').length < 280) parts.push(`${rng.pick(OPENERS)} ${rng.pick(TOPICS)}.`);
  return parts.join(' ');
}

export function threadPart(rng: Rng, index: number, total: number): string {
  return `${index}/${total} ${rng.pick(OPENERS)} ${rng.pick(TOPICS)}. ${rng.pick(EMOJI)}`;
}

export function replyText(rng: Rng): string {
  return rng.pick([
    'Completely agree.',
    'Ha, same here!',
    'Do you have a link for that?',
    'This is the way. 🙌',
    'Hard disagree, but I see the point.',
    'Saving this for later.',
    'Great photo!',
    'Which one did you pick in the end?',
  ]);
}

export const CONTENT_WARNINGS = ['Spoilers: season finale', 'Food (meat)', 'Politics', 'Long post', 'Eye contact'];
export const ALT_TEXTS = [
  'A misty forest path at sunrise, light breaking through tall pines.',
  'A cup of coffee on a wooden table next to an open notebook.',
  'A red bicycle leaning against a brick wall.',
  'A small bird perched on a snowy branch.',
];
export const POLL_OPTIONS = [
  ['Coffee', 'Tea', 'Neither'],
  ['Morning', 'Evening'],
  ['Threads', 'Mastodon', 'Both, via Braid'],
];
