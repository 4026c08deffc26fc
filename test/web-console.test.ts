import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { WEB_DIST } from '../src/http/web-console.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * The web console in a real browser (Debian's Chromium) against a real server whose demo model
 * streams at 20 tokens/s, so text is seen growing. Without Chromium the tests skip, loudly; with
 * CI=true they fail instead. The runner builds web/dist first (scripts/ensure-web.mjs).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '..', 'test-output', 'screenshots');
const available = existsSync(CHROMIUM);
const skip = available ? false : `Chromium not found at ${CHROMIUM}: the web console is NOT tested`;
if (skip) console.warn(`\n!!! ${skip} (apt-get install -y chromium) !!!\n`);

describe('web console (Chromium)', { skip: !available && process.env.CI !== 'true' && skip }, () => {
  let t: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    assert.ok(available, `${skip}; with CI=true it must be installed`);
    assert.ok(existsSync(join(WEB_DIST, 'index.html')), 'web/dist is built (npm run build:web)');
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer({ demo_pace: 20 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  async function open(width = 1100, height = 760, path = '/'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(t.url + path);
    await page.getByTestId('send').waitFor();
    return page;
  }

  async function send(page: Page, message: string): Promise<void> {
    await page.getByTestId('input').fill(message);
    await page.getByTestId('input').press('Enter');
  }

  /** The text of the last answer part, as streamed (the raw Markdown). */
  function answerText(page: Page): Promise<string> {
    return page.evaluate(
      () => [...document.querySelectorAll('[data-testid=answer]')].at(-1)?.getAttribute('data-text') ?? '',
    );
  }

  function waitForTurn(page: Page, status: string, timeout = 40_000): Promise<unknown> {
    return page.locator(`[data-testid=turn][data-status=${status}]`).last().waitFor({ timeout });
  }

  async function waitForText(page: Page, longerThan: number): Promise<void> {
    await page.waitForFunction(
      (n) =>
        ([...document.querySelectorAll('[data-testid=answer]')].at(-1)?.getAttribute('data-text') ?? '')
          .length > n,
      longerThan,
    );
  }

  async function runningTurn(page: Page): Promise<boolean> {
    return (await page.locator('[data-testid=turn]').last().getAttribute('data-status')) === 'running';
  }

  test('a message streams in: the text grows before the run ends, then shows usage', async () => {
    const page = await open();
    await send(page, 'hello there');
    await waitForText(page, 5);
    const early = await answerText(page);
    assert.ok(await runningTurn(page), 'the run is still going');
    await waitForText(page, early.length);
    assert.ok(await runningTurn(page), 'the text grew while the run went on');
    await waitForTurn(page, 'completed');
    const final = await answerText(page);
    assert.ok(final.startsWith(early), 'text only appended');
    await page.getByTestId('usage').waitFor();
    assert.match(await page.getByTestId('usage').innerText(), /cost \$/);
    assert.match((await page.getByTestId('frames').innerText()) ?? '', /conversation_end/);
    await page.screenshot({ path: join(SHOTS, 'chat.png') });
  });

  test('a tool card goes from running to completed', async () => {
    const page = await open();
    // Records every status a card takes, even for a moment.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      new MutationObserver((records) => {
        for (const record of records) {
          const element = record.target as Element;
          if (record.type === 'attributes' && record.oldValue) seen.push(record.oldValue);
          for (const node of record.addedNodes) {
            if (node instanceof Element) {
              for (const card of node.querySelectorAll('[data-testid=tool-card]'))
                seen.push(card.getAttribute('data-status') ?? '');
              if (node.matches('[data-testid=tool-card]')) seen.push(node.getAttribute('data-status') ?? '');
            }
          }
          if (element.matches?.('[data-testid=tool-card]'))
            seen.push(element.getAttribute('data-status') ?? '');
        }
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-status'],
        attributeOldValue: true,
      });
    });
    await send(page, 'what is 17*23?');
    await page.locator('[data-testid=tool-card][data-status=completed]').waitFor();
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    assert.ok(statuses.includes('running'), `statuses seen: ${statuses.join(', ')}`);
    const card = page.getByTestId('tool-card');
    assert.match(await card.innerText(), /calculator/);
    assert.match(await card.innerText(), /391/);
    await waitForTurn(page, 'completed');
    assert.match(await answerText(page), /391/);
    await page.screenshot({ path: join(SHOTS, 'tool-call.png') });
  });

  test('Stop cancels the run mid-stream', async () => {
    const page = await open();
    await send(page, 'write a detailed essay about tea');
    await waitForText(page, 20);
    await page.getByTestId('stop').click();
    await waitForTurn(page, 'cancelled');
    const runId = await page.getByTestId('run-id').innerText();
    const run = await json<{ status: string }>(`${t.url}/api/runs/${runId}`);
    assert.equal(run.body.status, 'cancelled');
    await page.getByTestId('send').waitFor();
    await page.screenshot({ path: join(SHOTS, 'stopped.png') });
  });

  test('reloading mid-stream reattaches: the final text equals the stored message', async () => {
    const page = await open();
    await send(page, 'tell me about yourself');
    await waitForText(page, 10);
    assert.ok(await runningTurn(page));
    const sessionId = await page.getByTestId('session-id').innerText();
    await page.reload();
    await page.getByTestId('input').waitFor();
    await waitForTurn(page, 'completed');
    assert.equal(await page.getByTestId('turn').count(), 1, 'one turn, not a duplicate');
    // The reloaded page read the whole run from its first event: it rejoined rather than load it finished.
    const runId = await page.getByTestId('run-id').innerText();
    const run = await json<{ last_seq: number }>(`${t.url}/api/runs/${runId}`);
    assert.equal(Number(await page.getByTestId('event-count').innerText()), run.body.last_seq);
    const session = await json<{ messages: { role: string; content: string }[] }>(
      `${t.url}/api/sessions/${sessionId}`,
    );
    const stored = session.body.messages.filter((message) => message.role === 'assistant').at(-1);
    assert.ok(stored);
    assert.equal(await answerText(page), stored.content);
    assert.equal(await page.getByTestId('answer').count(), 1);
  });

  test('switching the language changes the interface and the answer', async () => {
    const page = await open();
    assert.equal(await page.getByTestId('send').innerText(), 'Send');
    await page.getByTestId('lang-select').selectOption('fr');
    assert.equal(await page.getByTestId('send').innerText(), 'Envoyer');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    await send(page, 'hello');
    await waitForTurn(page, 'completed');
    assert.match(await answerText(page), /Bonjour|Vous avez dit/);
    await page.getByTestId('lang-select').selectOption('ja');
    assert.equal(await page.getByTestId('send').innerText(), '送信');
  });

  test('the planner writes a design document, listed, rendered and downloadable', async () => {
    const page = await open();
    await page.getByTestId('agent-select').selectOption('planner');
    await send(page, 'design an online shop');
    const doc = page.getByTestId('document');
    await doc.waitFor({ timeout: 50_000 });
    assert.match(await doc.innerText(), /\.md/);
    assert.ok((await doc.locator('h1, h2').count()) > 0, 'the Markdown is rendered');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.md$/);
    await page.screenshot({ path: join(SHOTS, 'planner.png') });
    const shot = join(SHOTS, 'planner.png');
    // The README's picture is refreshed only on request, so a test run leaves tracked files alone.
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1' && statSync(shot).size < 300_000)
      copyFileSync(shot, join(import.meta.dirname, '..', 'docs', 'console.png'));
    await page
      .getByTestId('stop')
      .click()
      .catch(() => {});
  });

  test('a 375-pixel-wide screen shows everything without horizontal scrolling', async () => {
    const page = await open(375, 740);
    await send(page, 'what is 17*23?');
    await waitForTurn(page, 'completed');
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
    }));
    assert.ok(widths.scroll <= 375, `page is ${widths.scroll}px wide`);
    assert.ok(widths.body <= 375, `body is ${widths.body}px wide`);
    for (const id of ['input', 'send', 'lang-select', 'agent-select']) {
      const box = await page.getByTestId(id).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `${id} fits: ${JSON.stringify(box)}`);
    }
    await page.screenshot({ path: join(SHOTS, 'phone.png'), fullPage: true });
  });
});
