// `npm run console:screenshots`: the pictures in docs/console/ (docs/console.md). Starts
// the built gateway (embedded ledger, temp DATA_DIR, clock off) on a free port, fills
// it over the REST API with a day's worth of trading by 623 homes, then photographs
// the three views in Debian's chromium (playwright-core, nothing downloaded).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs/console');
const NA = 'na-screenshot-token-0123456789abcdef';
const HOMES = 623;
const HOUR = 3_600_000;

function startGateway(dataDir) {
  const child = spawn(process.execPath, [join(root, 'gateway-api/dist/server.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, GATEWAY_ADMIN_TOKEN: NA, CLOCK: 'off', LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (d) => {
      text += d;
      const m = /The console: (http:\/\/[^/]+)\/console\//.exec(text);
      if (m) resolve({ child, origin: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`gateway exited ${code}: ${text.slice(-2000)}`)));
  });
}

let origin;
async function rest(token, method, path, body) {
  const res = await fetch(origin + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${data.detail}`);
  return data;
}

/** Runs `work` over `items`, `n` at a time. */
async function pool(items, n, work) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

const id = (i) => `h${String(i + 1).padStart(3, '0')}`;
// A fixed pseudo-random sequence, so the pictures come out the same every time.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

async function market(mid, deliveryStart, share, close) {
  await rest(NA, 'POST', '/v1/markets', { id: mid, deliveryStart, gridBuyPrice: 130000, gridSellPrice: 40000 });
  await rest(NA, 'POST', `/v1/markets/${mid}/open`);
  const traders = [...Array(HOMES).keys()].filter((i) => i === 0 || rand() < share);
  await pool(traders, 4, async (i) => {
    const sell = i === 0 ? mid.endsWith('2') || mid.endsWith('4') : rand() < 0.45;
    const energyWh = 200 + Math.floor(rand() * 30) * 100;
    const limitPrice = sell ? 40000 + Math.floor(rand() * 6) * 5000 : 130000 - Math.floor(rand() * 6) * 5000;
    await rest(tokens[i], 'POST', `/v1/markets/${mid}/orders`, { side: sell ? 'sell' : 'buy', energyWh, limitPrice });
  });
  if (close) await rest(NA, 'POST', `/v1/markets/${mid}/close`);
}

const tokens = [];
const dataDir = mkdtempSync(join(tmpdir(), 'ecch-shots-'));
const { child, origin: o } = await startGateway(dataDir);
origin = o;
try {
  console.log(`[screenshots] gateway at ${origin}; registering ${HOMES} homes ...`);
  await pool([...Array(HOMES).keys()], 4, async (i) => {
    const kind = i % 3 === 2 ? 'consumer' : 'prosumer';
    const r = await rest(NA, 'POST', '/v1/participants', { id: id(i), name: `Home ${i + 1}`, kind, lot: (i % 99) + 1, ...(kind === 'prosumer' ? { pvKwp: 5 } : {}) });
    tokens[i] = r.token;
  });
  await fetch(`${origin}/v1/registrations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'h624', name: 'Home 624', kind: 'prosumer', pvKwp: 4 }) });
  const now = Math.floor(Date.now() / HOUR) * HOUR;
  const at = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  console.log('[screenshots] trading four past hours and the current one ...');
  for (let k = 4; k >= 1; k--) await market(`m-${k}`, at(now - k * HOUR), 0.15, true);
  await market('m-0', at(now), 0.6, false);

  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const shot = async (name, path, viewport, prepare) => {
    const page = await (await browser.newContext({ viewport })).newPage();
    await page.goto(`${origin}/console/${path}`);
    if (prepare) await prepare(page);
    await page.waitForTimeout(800); // let the last reload paint
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: false });
    console.log(`[screenshots] docs/console/${name}.png`);
  };
  const signIn = async (page, token, participantId) => {
    if (participantId) await page.getByLabel('Participant id').fill(participantId);
    await page.getByLabel(participantId ? 'Household token' : 'NA token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tablist').waitFor();
  };
  const desktop = { width: 1280, height: 800 };
  const phone = { width: 390, height: 844 };
  await shot('community', '', desktop, (p) => p.locator('[data-test=homes]').waitFor());
  await shot('community-phone', '', phone, (p) => p.locator('[data-test=homes]').waitFor());
  await shot('na-markets', '#/na', desktop, async (p) => {
    await signIn(p, NA);
    await p.locator('[data-test=depth]').waitFor();
  });
  await shot('na-result', '#/na', desktop, async (p) => {
    await signIn(p, NA);
    await p.getByRole('button', { name: 'm-1', exact: true }).click();
    await p.locator('[data-test=result]').waitFor();
  });
  await shot('na-participants', '#/na', desktop, async (p) => {
    await signIn(p, NA);
    await p.getByRole('tab', { name: 'Participants' }).click();
    await p.getByRole('button', { name: 'Approve h624' }).waitFor();
  });
  await shot('household-trade', '#/household', desktop, async (p) => {
    await signIn(p, tokens[0], id(0));
    await p.locator('[data-test=my-orders] li').first().waitFor();
  });
  await shot('household-account', '#/household', phone, async (p) => {
    await signIn(p, tokens[0], id(0));
    await p.getByRole('tab', { name: 'Account' }).click();
    await p.locator('[data-test=entries]').waitFor();
  });
  await browser.close();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
