/**
 * Test support for the console: a real gateway over the real embedded ledger,
 * listening on a free port (the browser needs a server, not fastify.inject), and
 * Debian's chromium driven by playwright-core (scripts/lib/ensure-chromium.sh
 * installs it; nothing is downloaded).
 */
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openGateway, removeDir, tempDataDir } from '../../gateway/support/gateway';

/**
 * The browser globals that code passed to page.evaluate touches, typed just enough
 * (test/tsconfig.json has no DOM lib); a cast of `globalThis`, erased when compiled,
 * so the function still runs in the page.
 */
export interface InPage {
  sessionStorage: { clear(): void };
  document: { activeElement: { id: string } | null };
  marker?: string;
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Served {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** A listening gateway on 127.0.0.1 and a free port; `url` is its origin. */
export async function serveGateway(): Promise<Served> {
  const dir = tempDataDir();
  // The market clock stays off: the tests drive every market by hand.
  const app = await openGateway(dir, { CLOCK: 'off' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await app.close();
      removeDir(dir);
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A fresh page (its own session storage) at 1280×800; page errors fail the test that reads `errors`. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, origin: string, role: 'na' | 'household', token: string, participantId?: string): Promise<void> {
  await page.goto(`${origin}/console/#/${role}`);
  // A session kept from an earlier test would skip the form.
  await page.evaluate(() => (globalThis as unknown as InPage).sessionStorage.clear());
  await page.reload();
  if (participantId !== undefined) await page.getByLabel('Participant id').fill(participantId);
  await page.getByLabel(role === 'na' ? 'NA token' : 'Household token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('tablist').waitFor();
}
