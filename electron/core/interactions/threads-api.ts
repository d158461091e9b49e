/**
 * Graph calls for one Threads account, keeping the server's status and error envelope so the
 * interactions code can tell "this server has no such API" (isNotOffered) from a refusal.
 * Every call, DELETE (unlike, undoing a repost) included, goes through graphRequest.
 */
import { BraidError } from '@shared/errors';
import type { Fetch } from '../net/http';
import { explainGraphError, graphRequest, isNotOffered, type GraphError } from '../networks/threads/graph';

/** A Graph call that failed, with what the server said. */
export class ThreadsRefusal extends BraidError {
  readonly status: number;
  readonly graph: GraphError | undefined;

  constructor(explained: BraidError, status: number, graph: GraphError | undefined) {
    super(explained.code, explained.message);
    this.status = status;
    this.graph = graph;
  }

  /** The edge or field does not exist on this server (or this sign-in may not use it). */
  get notOffered(): boolean {
    return isNotOffered(this.status, this.graph) || this.graph?.code === 2500;
  }

  /** A missing permission (#10, #200–299): signing in again with the scope fixes it. */
  get missingPermission(): boolean {
    const code = this.graph?.code ?? 0;
    return code === 10 || (code >= 200 && code <= 299);
  }

  /** Meta's "object does not exist" (#100 subcode 33): deleted, or not visible to this account. */
  get objectGone(): boolean {
    return this.graph?.code === 100 && this.graph.subcode === 33;
  }
}

export interface ThreadsApi {
  readonly host: string;
  get(path: string, params: Record<string, string>, step: string): Promise<Record<string, unknown>>;
  post(path: string, params: Record<string, string>, step: string): Promise<Record<string, unknown>>;
  delete(path: string, step: string): Promise<Record<string, unknown>>;
}

export function threadsApi(fetch: Fetch, apiBase: string, token: string, signal?: AbortSignal): ThreadsApi {
  const host = new URL(apiBase).host;
  const explain = (step: string) => (status: number, error: GraphError | undefined) => new ThreadsRefusal(explainGraphError(host, step, status, error), status, error);
  const call = (method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string>, step: string) =>
    graphRequest({ fetch, apiBase, path, params, token, method, step, explain: explain(step), ...(signal ? { signal } : {}) });
  return {
    host,
    get: (path, params, step) => call('GET', path, params, step),
    post: (path, params, step) => call('POST', path, params, step),
    delete: (path, step) => call('DELETE', path, {}, step),
  };
}
