// First: finds the backend and sends the first screen's reads before the rest of the bundle loads.
import { backend, firstReads } from './boot';
import { mount } from 'svelte';
import App from './App.svelte';
import NoBackend from './views/NoBackend.svelte';
import { AppState } from './state/app.svelte';
import './styles/global.css';

/**
 * How long the first screen waits for the backend's first answers before it shows "Loading…".
 * They usually arrive while the bundle loads; drawing the shell once with posts costs less than
 * drawing it empty, then again with them.
 */
const FIRST_ANSWERS_WAIT_MS = 300;

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

if (backend && firstReads) {
  const app = new AppState(backend.api);
  await Promise.race([app.preload(firstReads), new Promise((resolve) => setTimeout(resolve, FIRST_ANSWERS_WAIT_MS))]);
  mount(App, { target, props: { app, onConnectionChange: backend.onConnectionChange } });
} else {
  mount(NoBackend, { target });
}
