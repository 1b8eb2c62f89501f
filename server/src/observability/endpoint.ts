import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.ts';

/** What an operations endpoint (a probe, the metrics) answers. */
export interface EndpointReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type Endpoint = () => Promise<EndpointReply>;

export function jsonReply(status: number, value: unknown): EndpointReply {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/**
 * Answers GET and HEAD with the endpoint's reply, uncached, and any other method with 405. An endpoint that throws
 * answers 500 and is logged in full: a probe must answer something, never hang.
 */
export function serveEndpoint(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse, log: Logger): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, { status: 405, contentType: 'text/plain; charset=utf-8', body: 'Only GET and HEAD are allowed here.\n' }, req, { allow: 'GET, HEAD' });
    return;
  }
  endpoint().then(
    (reply) => send(res, reply, req),
    (error: unknown) => {
      log.error({ err: error, url: req.url }, 'An operations endpoint failed');
      if (!res.headersSent) send(res, { status: 500, contentType: 'text/plain; charset=utf-8', body: 'Internal error.\n' }, req);
    },
  );
}

function send(res: ServerResponse, reply: EndpointReply, req: IncomingMessage, headers: Record<string, string> = {}): void {
  res.writeHead(reply.status, { 'content-type': reply.contentType, 'cache-control': 'no-store', ...headers });
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}
