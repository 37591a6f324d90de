/**
 * Debian's Chromium (scripts/install.sh installs it), driven by Playwright's core library: no
 * browser download. Headless, as root (--no-sandbox), with the flags that keep it from reaching
 * for hosts this machine's closed network does not have. Screenshots go to test-output/console/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './pbx/sandbox.js';

export const CHROMIUM = process.env.DUTY_CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = path.join(repoRoot, 'test-output', 'console');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A page of a fresh context (its own cookies) at an office screen's size, 1366×768, in Chinese. */
export async function officePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  return context.newPage();
}

export async function signIn(page: Page, base: string, name: string, password: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="password"]', password);
  await page.click('[data-test="sign-in"]');
  await page.waitForSelector('[data-test="who"]');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
