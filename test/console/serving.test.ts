/**
 * The gateway serves the built console at /console/ under its own strict CSP: one
 * script from 'self', no inline script or style element, nothing from another origin.
 */
import type { FastifyInstance } from 'fastify';
import { call, openGateway, removeDir, tempDataDir } from '../gateway/support/gateway';

let app: FastifyInstance;
let dir: string;

beforeAll(async () => {
  dir = tempDataDir();
  app = await openGateway(dir, { CLOCK: 'off' });
});

afterAll(async () => {
  await app.close();
  removeDir(dir);
});

test('/console redirects to /console/, which is the app under script-src \'self\'', async () => {
  const redirect = await call(app, 'GET', '/console');
  expect(redirect.status).toBe(301);
  expect(redirect.headers.location).toBe('/console/');

  const page = await call(app, 'GET', '/console/');
  expect(page.status).toBe(200);
  expect(String(page.headers['content-type'])).toContain('text/html');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("script-src-attr 'none'");
  expect(csp).not.toContain('unsafe-eval');
  const html = page.body as string;
  // Every script is an external file of this origin; no inline code, no inline handler.
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.map((m) => [m[1]!.trim(), m[2]!.trim()])).toEqual([['type="module" src="./app.js"', '']]);
  expect(html).not.toMatch(/\son[a-z]+=/i);
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
});

test('the bundle and the stylesheet are served with their types; an unknown file is a 404 problem', async () => {
  const js = await call(app, 'GET', '/console/app.js');
  expect(js.status).toBe(200);
  expect(String(js.headers['content-type'])).toContain('javascript');
  // Bundled: the one script loads no other module at run time.
  expect(js.body).not.toMatch(/\bimport\s*\(|\bimport\s*["'{*]/);
  const css = await call(app, 'GET', '/console/app.css');
  expect(css.status).toBe(200);
  expect(String(css.headers['content-type'])).toContain('text/css');

  const missing = await call(app, 'GET', '/console/nope.js');
  expect(missing.status).toBe(404);
  expect(String(missing.headers['content-type'])).toContain('application/problem+json');
});
