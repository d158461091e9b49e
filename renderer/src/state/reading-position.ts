import type { ReadingPosition } from '@shared/timeline';

const SAVE_DELAY_MS = 1_000;

/**
 * Remembers where the user reads without a call per scroll event: the newest position is saved
 * a second after scrolling settles, and at once when the window hides or the page goes away.
 */
export class PositionSaver {
  #save: (position: ReadingPosition) => Promise<unknown>;
  #pending: ReadingPosition | null = null;
  #lastSaved = '';
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(save: (position: ReadingPosition) => Promise<unknown>) {
    this.#save = save;
  }

  note(position: ReadingPosition): void {
    this.#pending = position;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const position = this.#pending;
    this.#pending = null;
    if (!position) return;
    const key = JSON.stringify(position);
    if (key === this.#lastSaved) return;
    this.#lastSaved = key;
    this.#save(position).catch((error: unknown) => {
      // Losing one saved position is not worth interrupting the reader; the next scroll tries again.
      this.#lastSaved = '';
      console.warn('timeline.savePosition failed:', error);
    });
  }

  /** Drops a position not yet saved (the list it described is gone). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = null;
  }
}
