/**
 * Counting a post's characters the way each network does, so the composer's numbers match what
 * the server will accept (docs/compose.md#counting). Pure.
 *
 * - Threads: 500 characters of text (docs/threads-api.md, Publishing). Braid counts what a
 *   person sees as one character (a grapheme cluster), so an emoji — even a family or a flag
 *   made of several code points — is one.
 * - Mastodon: StatusLengthValidator (app/validators/status_length_validator.rb): grapheme
 *   clusters of the text and the content warning together, where every http(s) URL counts as
 *   `characters_reserved_per_url` (23 by default) however long it is, and a mention of a remote
 *   account (`@user@domain`) counts only its `@user` part.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const THREADS_MAX_CHARACTERS = 500;
/** What Mastodon reserves per URL when the instance does not say (its own default). */
export const DEFAULT_URL_LENGTH = 23;
/** What an instance allows when it does not say (Mastodon's own default). */
export const DEFAULT_MASTODON_MAX_CHARACTERS = 500;

/** Characters as a person sees them. */
export function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}

export function countThreads(text: string): number {
  return countGraphemes(text);
}

/**
 * A URL (twitter-text's rule as Mastodon uses it: a scheme is required, trailing punctuation is
 * not part of the link), or a mention (Account::MENTION_RE: not after a word character, `/` or
 * `=`, so an address's `@` in a URL path is not a mention). The domain may carry a port (servers
 * on this computer, like the sandbox, are `127.0.0.1:4100`).
 */
const URL_OR_MENTION =
  /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"])|(?<![=/\p{L}\p{N}_])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\p{L}\p{N}_.-]*[\p{L}\p{N}_](?::\d+)?)?/giu;

export function countMastodon(text: string, spoilerText: string, urlLength: number = DEFAULT_URL_LENGTH): number {
  const countable = text.replace(URL_OR_MENTION, (_whole: string, url: string | undefined, user: string | undefined) =>
    url !== undefined ? 'x'.repeat(urlLength) : `@${user ?? ''}`,
  );
  return countGraphemes(countable) + countGraphemes(spoilerText);
}
