import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '@shared/contract';

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;
export type AnyEventListener = (event: EventName, payload: unknown) => void;

/** The backend's typed event stream: the shells forward every event to their renderer. */
export class CoreEvents {
  readonly #emitter = new EventEmitter();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.#emitter.emit(event, payload);
    this.#emitter.emit('*', event, payload);
  }

  on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    this.#emitter.on(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  /** Every event, for forwarding across IPC or WebSocket. */
  onAny(listener: AnyEventListener): () => void {
    this.#emitter.on('*', listener);
    return () => this.#emitter.off('*', listener);
  }
}
