import { mount } from 'svelte';
import App from './App.svelte';
import NoBackend from './views/NoBackend.svelte';
import { connectBackend } from './lib/braid';
import { AppState } from './state/app.svelte';
import './styles/global.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const backend = connectBackend();
if (backend) mount(App, { target, props: { app: new AppState(backend.api), onConnectionChange: backend.onConnectionChange } });
else mount(NoBackend, { target });
