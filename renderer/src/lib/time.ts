/**
 * Dates as a timeline shows them: "5m ago" on the card, the full date on hover and for screen
 * readers. Formatters are built once; Intl does the wording for the user's locale.
 */
import { memoize } from './memo';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

const narrow = new Intl.RelativeTimeFormat(undefined, { style: 'narrow', numeric: 'auto' });
const long = new Intl.RelativeTimeFormat(undefined, { style: 'long', numeric: 'auto' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayThisYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayOtherYear = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

type Words = (value: number, unit: Intl.RelativeTimeFormatUnit) => string;

/**
 * A relative-time formatter whose answers are kept per value and unit: every card five minutes
 * old says the same "5m ago", and the few dozen wordings a timeline needs are worked out once
 * instead of for every card that mounts.
 */
function keptWords(format: Intl.RelativeTimeFormat): Words {
  const words = new Map<string, string>();
  return (value, unit) => {
    const key = `${Object.is(value, -0) ? '-0' : value} ${unit}`;
    let text = words.get(key);
    if (text === undefined) {
      text = format.format(value, unit);
      words.set(key, text);
    }
    return text;
  };
}

const narrowWords = keptWords(narrow);
const longWords = keptWords(long);

function relative(words: Words, iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 45) return words(0, 'second');
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return words(Math.round(seconds / size), unit);
  }
  return words(0, 'second');
}

/** What the card shows: "now", "5m ago", "3h ago", "2d ago", then the date itself after a week. */
export function shortTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  if (now - at < 7 * 86_400_000) return relative(narrowWords, iso, now);
  const date = new Date(at);
  return (date.getFullYear() === new Date(now).getFullYear() ? dayThisYear : dayOtherYear).format(date);
}

/** "5 minutes ago", "in 3 hours": for screen readers and poll deadlines. */
export function longTime(iso: string, now: number): string {
  return Number.isNaN(Date.parse(iso)) ? '' : relative(longWords, iso, now);
}

/** "Friday, 27 November 2026 at 10:42". Kept per date: every card's tooltip asks again on each mount. */
export const fullDate = memoize((iso: string): string => {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : full.format(at);
});

/** "27 Nov 2026": the day something happened, without the time. */
export function mediumDate(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : dayOtherYear.format(at);
}

/** "10:42", or the day too when it is not today. */
export function clockTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return sameDay ? clock.format(at) : `${dayThisYear.format(at)}, ${clock.format(at)}`;
}
