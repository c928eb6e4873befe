// A tiny static server for the end-to-end tests: serves a directory on
// 127.0.0.1 (random port), optionally under a sub-path, and records every
// request it receives (method, path, body bytes) so tests can assert what the
// page sent. GET and HEAD serve files; any other method is recorded and
// answered 204 (the upload-form tests read the recording).
//
//   const server = await startServer({ root: 'www', base: '/some/sub/path/' });
//   server.url          // http://127.0.0.1:PORT/some/sub/path/
//   server.requests     // [{method, path, headers, body: Buffer}]
//   await server.close();

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export const MIME = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
});

/**
 * Starts the server.
 * @param {{root: string, base?: string}} options root: the directory served;
 *   base: the URL path it is served under (starts and ends with '/')
 */
export async function startServer({ root, base = '/' }) {
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`base must start and end with "/": ${base}`);
  const rootDir = path.resolve(root);
  const requests = [];

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push({ method: req.method, path: url.pathname + url.search, headers: { ...req.headers }, body: Buffer.concat(chunks) });

    const send = (status, headers = {}, body = '') => {
      res.writeHead(status, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(204);
    if (url.pathname === base.slice(0, -1)) return send(301, { location: base });
    if (!url.pathname.startsWith(base)) return send(404, { 'content-type': 'text/plain' }, 'not found');

    let relative;
    try {
      relative = decodeURIComponent(url.pathname.slice(base.length));
    } catch {
      return send(400, { 'content-type': 'text/plain' }, 'bad path');
    }
    let file = path.resolve(rootDir, relative);
    if (file !== rootDir && !file.startsWith(rootDir + path.sep)) return send(403, { 'content-type': 'text/plain' }, 'forbidden');
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      return send(200, { 'content-type': type, 'content-length': body.length }, body);
    } catch {
      return send(404, { 'content-type': 'text/plain' }, 'not found');
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: origin + base,
    base,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
