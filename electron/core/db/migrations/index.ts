import type { Database } from 'better-sqlite3';
import { up as initial } from './001-initial';
import { up as linking } from './002-linking';
import { up as timeline } from './003-timeline';
import { up as sharing } from './004-sharing';
import { up as drafts } from './005-drafts';

export interface Migration {
  /** 1-based; the database's user_version equals the last one applied. */
  version: number;
  name: string;
  up: (db: Database) => void;
}

/** Append only. Never edit a migration that has shipped: add the next one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', up: initial },
  { version: 2, name: 'linking', up: linking },
  { version: 3, name: 'timeline', up: timeline },
  { version: 4, name: 'sharing', up: sharing },
  { version: 5, name: 'drafts', up: drafts },
];
