/**
 * Dates as a timeline shows them: "5m ago" on the card, the full date on hover and for screen
 * readers. Formatters are built once; Intl does the wording for the user's locale.
 */
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

function relative(format: Intl.RelativeTimeFormat, iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 45) return format.format(0, 'second');
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** What the card shows: "now", "5m ago", "3h ago", "2d ago", then the date itself after a week. */
export function shortTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  if (now - at < 7 * 86_400_000) return relative(narrow, iso, now);
  const date = new Date(at);
  return (date.getFullYear() === new Date(now).getFullYear() ? dayThisYear : dayOtherYear).format(date);
}

/** "5 minutes ago", "in 3 hours": for screen readers and poll deadlines. */
export function longTime(iso: string, now: number): string {
  return Number.isNaN(Date.parse(iso)) ? '' : relative(long, iso, now);
}

/** "Friday, 27 November 2026 at 10:42". */
export function fullDate(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : full.format(at);
}

/** "10:42", or the day too when it is not today. */
export function clockTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return sameDay ? clock.format(at) : `${dayThisYear.format(at)}, ${clock.format(at)}`;
}
