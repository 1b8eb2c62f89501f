import { mount } from 'svelte';
import App from './App.svelte';
import { failSignIn, OIDC_PENDING } from './lib/api/session.ts';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

/**
 * Back from the OIDC issuer, the page loads again signed in, or on the sign-in page saying why not. The OIDC code
 * loads only then (and when someone signs in with it).
 */
async function returnFromIssuer(): Promise<'none' | 'signed-in' | 'failed'> {
  if (sessionStorage.getItem(OIDC_PENDING) === null || !/[?&](code|error)=/.test(location.search)) return 'none';
  try {
    return await (await import('./lib/api/oidc.ts')).completeOidcSignIn();
  } catch (error) {
    failSignIn(`Signing in failed: ${error instanceof Error ? error.message : String(error)}`);
    return 'failed';
  }
}

// After a return from the issuer the page is loading again: nothing to mount meanwhile.
if ((await returnFromIssuer()) === 'none') mount(App, { target });
