import { mount } from 'svelte';
import App from './App.svelte';
import { OIDC_PENDING } from './lib/api/session.ts';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// Back from the OIDC issuer, the page starts again signed in (or on the sign-in page, saying why not). The OIDC
// code loads only then, and when someone signs in with it.
const returning = sessionStorage.getItem(OIDC_PENDING) !== null && /[?&](code|error)=/.test(location.search);
const reloading = returning && (await import('./lib/api/oidc.ts').then((oidc) => oidc.completeOidcSignIn())) && location.hash !== '#/sign-in';
if (!reloading) mount(App, { target });
