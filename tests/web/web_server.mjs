// Serves web/dist beside a gateway that does not serve it itself (a gateway
// built before --web_root), with the gateway's static-file rules: the same
// headers (strict CSP, nosniff, no-referrer), immutable cache for
// /assets/*, index.html for extension-less non-API paths, and every other
// request passed through unchanged to the real gateway.  The e2e test uses
// it only when GET / at the gateway does not answer the application.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

export const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
const API = /^\/(v1\/|\.well-known\/|healthz$|readyz$|metrics$|openapi\.json$)/;

/** Starts the server on a free loopback port; resolves to {url, close}. */
export function startWebServer(distDir, gatewayUrl) {
  const gw = new URL(gatewayUrl);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (isRead && !API.test(url.pathname)) {
      const file = path.join(distDir, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
      const inside = file.startsWith(distDir + path.sep);
      let target = null;
      if (inside && fs.existsSync(file) && fs.statSync(file).isFile()) target = file;
      else if (!path.extname(url.pathname)) target = path.join(distDir, 'index.html');
      if (target) {
        const immutable = url.pathname.startsWith('/assets/') && target !== path.join(distDir, 'index.html');
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': TYPES[path.extname(target)] ?? 'application/octet-stream',
          'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
        if (req.method === 'HEAD') return res.end();
        return fs.createReadStream(target).pipe(res);
      }
    }
    const up = http.request({ host: gw.hostname, port: gw.port, method: req.method, path: req.url,
      headers: { ...req.headers, host: gw.host } }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  })));
}
