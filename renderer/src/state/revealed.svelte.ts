import { SvelteSet } from 'svelte/reactivity';

/**
 * Content warnings opened and sensitive media shown, for this session. Cards in the virtual list
 * unmount when they scroll away; this keeps what the user opened open when they scroll back.
 */
export class Revealed {
  #keys = new SvelteSet<string>();

  has(kind: 'spoiler' | 'media', postId: string): boolean {
    return this.#keys.has(`${kind}:${postId}`);
  }

  set(kind: 'spoiler' | 'media', postId: string, shown: boolean): void {
    if (shown) this.#keys.add(`${kind}:${postId}`);
    else this.#keys.delete(`${kind}:${postId}`);
  }
}

export const revealed = new Revealed();
