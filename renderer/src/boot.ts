/**
 * Imported first by main.ts, so it is evaluated before the rest of the bundle (Svelte, the
 * components, DOMPurify, the app state): it finds the backend and sends the first screen's reads
 * at once, and their answers travel while everything else loads.
 */
import { connectBackend } from './lib/braid';
import { sendFirstReads } from './lib/first-reads';

export const backend = connectBackend();
export const firstReads = backend ? sendFirstReads(backend.api) : null;
