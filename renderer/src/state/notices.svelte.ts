export type NoticeTone = 'info' | 'success' | 'warning';

export interface Notice {
  id: number;
  tone: NoticeTone;
  text: string;
}

/** Short messages about things that finished in the background (an unlink, a check); the user dismisses them. */
export class Notices {
  #items = $state.raw<Notice[]>([]);
  #nextId = 1;

  get items() {
    return this.#items;
  }

  push(text: string, tone: NoticeTone = 'info'): void {
    // The newest three are plenty; older ones would only push the page content away.
    this.#items = [...this.#items.slice(-2), { id: this.#nextId++, tone, text }];
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((notice) => notice.id !== id);
  }
}
