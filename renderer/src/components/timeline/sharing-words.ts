import type { SharingBadge } from '@shared/sharing';

/** What each badge says: an author's badge is about the person, a post's about that post. */
export const BADGE_WORDS: Record<'author' | 'post', Record<SharingBadge, string>> = {
  author: {
    shared: 'Shares to the Fediverse',
    'from-fediverse': 'On the Fediverse',
    'not-shared': 'Does not share to the Fediverse',
    unknown: 'Fediverse sharing not known yet',
  },
  post: {
    shared: 'Shared to the Fediverse',
    'from-fediverse': 'From the Fediverse',
    'not-shared': 'Not shared',
    unknown: 'Sharing unknown',
  },
};

/** The symbol's shape for a badge: whole, struck through, or dashed while nobody knows. */
export function iconState(badge: SharingBadge): 'on' | 'off' | 'unknown' {
  return badge === 'not-shared' ? 'off' : badge === 'unknown' ? 'unknown' : 'on';
}
