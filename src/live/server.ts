/**
 * The live server: the built app and one Server-Sent Events stream, on 127.0.0.1 only. Every
 * request must carry the run's token (`?token=` or the `x-live-token` header; the page reads it
 * from `#live=TOKEN`), else 403. node:http and SSE need no library: an SSE stream is a response
 * of `text/event-stream` whose `data:` lines the browser's EventSource splits into messages.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, normalize, resolve, sep } from 'node:path';

export const newToken = (): string => randomBytes(24).toString('base64url');

export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file under root for a URL path, or undefined for anything that would leave it. */
export function staticPath(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const base = resolve(root);
  const file = resolve(base, '.' + normalize('/' + path));
  return file === base || file.startsWith(base + sep) ? file : undefined;
}

export interface LiveServer {
  server: Server;
  url: string;
  /** Sends a batch of whole lines to every open page. */
  send(batch: string): void;
  /** Tells the pages the input ended. */
  end(): void;
  close(): Promise<void>;
  clients(): number;
}

export async function startLiveServer(opts: {
  dist: string;
  token: string;
  port: number;
  /** Batches sent before the first page connected, replayed to it (a capture is not lost to a late page). */
  keepBacklog?: boolean;
}): Promise<LiveServer> {
  const clients = new Set<ServerResponse>();
  const backlog: string[] = [];
  let ended = false;
  let served = false;
  const frame = (batch: string) => `data: ${JSON.stringify(batch)}\n\n`;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const given = url.searchParams.get('token') ?? req.headers['x-live-token'];
    // The app's own files need the token too: the page is loaded as /?token=T#live=T.
    const cookieToken = /(?:^|;\s*)live=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!tokenMatches(typeof given === 'string' ? given : cookieToken, opts.token)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('403: wrong or missing token\n');
      return;
    }
    if (url.pathname === '/live/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': live\n\n');
      for (const b of backlog) res.write(frame(b));
      served = true;
      backlog.length = 0;
      if (ended) res.write('event: end\ndata: \n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const file = staticPath(opts.dist, url.pathname === '/' ? '/index.html' : url.pathname);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404\n');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      // The page's assets are fetched without the query: a cookie carries the token to them.
      'set-cookie': `live=${opts.token}; HttpOnly; SameSite=Strict; Path=/`,
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, '127.0.0.1', () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    server,
    url: `http://127.0.0.1:${port}/?token=${opts.token}#live=${opts.token}`,
    send(batch) {
      // Kept only until the first page connects, so memory stays bounded once one is watching.
      if (opts.keepBacklog && !served) backlog.push(batch);
      const f = frame(batch);
      for (const c of clients) c.write(f);
    },
    end() {
      ended = true;
      for (const c of clients) c.write('event: end\ndata: \n\n');
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const c of clients) c.end();
        server.close(() => ok());
        server.closeAllConnections();
      }),
    clients: () => clients.size,
  };
}
