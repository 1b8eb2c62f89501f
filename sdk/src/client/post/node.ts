import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Answer, Post } from './types.ts';

// Idle sockets close after 4 s, before a Node server's own 5 s keep-alive timeout would close them under a request.
const IDLE_MS = 4_000;
const agents = { http: new HttpAgent({ keepAlive: true, timeout: IDLE_MS }), https: new HttpsAgent({ keepAlive: true, timeout: IDLE_MS }) };

/**
 * In Node: node:http with keep-alive sockets. A worker sends a request per batch of TaskRuns, and Node 20's fetch
 * (undici behind web streams, an AbortSignal and a Response each) costs about a third of a millisecond of CPU more
 * per request than this. Errors keep node:http's codes (ECONNREFUSED, ECONNRESET), which the client's retries read.
 */
export const defaultPost: Post = (url, { headers, body, signal }) =>
  new Promise<Answer>((resolve, reject) => {
    const https = url.slice(0, 6).toLowerCase() === 'https:';
    const send = https ? httpsRequest : httpRequest;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const options = { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent: https ? agents.https : agents.http };
    const req = send(url, options, (res) => {
      const whole = new Promise<string>((done, fail) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('close', () => {
          if (res.complete) done((chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8'));
          else fail(Object.assign(new Error('The connection closed before the answer was complete.'), { code: 'ECONNRESET' }));
        });
      });
      // Read by text(); a caller that never asks must not leave an unhandled rejection behind.
      whole.catch(() => {});
      resolve({ status: res.statusCode ?? 0, text: () => whole });
    });
    // Not node:http's `signal` option: that hangs end-of-stream watchers on every request, which cost more CPU than
    // the rest of its listeners together. Destroyed with the reason, the request rejects with it, or breaks its answer.
    if (signal) {
      const abort = () => req.destroy(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
      req.once('close', () => signal.removeEventListener('abort', abort));
    }
    req.on('error', reject);
    req.end(body);
  });
