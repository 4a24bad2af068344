// Drives the gateway's chat page in headless Chromium: uploads a file and waits for its status to reach "indexed",
// asks a question and watches the answer stream in token by token, clicks citation [1] and checks the source passage,
// then saves a screenshot. Usage: node chat-page.mjs PAGE_URL SCREENSHOT_PATH. Exit code 0 = every check passed.
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
  console.log('ok: ' + message);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30000);
  await page.goto(url);
  check((await page.title()) === 'ragline', 'the page loads');

  await page.setInputFiles('#files', {
    name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Notes\n\nUploads work.\n'),
  });
  await page.click('#upload-button');
  await page.waitForSelector('#uploads li[data-document-id]');
  await page.waitForSelector('#uploads li .status-indexed');
  check((await page.textContent('#uploads li')).includes('indexed · 1 chunks'), 'the upload shows its live status');

  // count how many different partial answers the page shows before the answer is done
  await page.evaluate(() => {
    window.__partials = new Set();
    new MutationObserver(() => {
      const li = document.querySelector('#messages li.assistant');
      if (li && !li.dataset.done) window.__partials.add(li.textContent);
    }).observe(document.getElementById('messages'), { subtree: true, childList: true, characterData: true });
  });
  await page.fill('#question', 'How do consumers share work?');
  await page.click('#send');
  await page.waitForSelector('#messages li.assistant[data-done="true"]');
  const partials = await page.evaluate(() => window.__partials.size);
  check(partials >= 4, 'the answer streamed in (' + partials + ' partial renderings)');
  const answer = await page.textContent('#messages li.assistant');
  check(answer.includes('share the partitions'), 'the answer is shown');
  check(answer.includes('generative'), 'the answer mode is shown');

  await page.click('#messages li.assistant button.cite[data-n="1"]');
  await page.waitForSelector('#source:not([hidden])');
  const passage = await page.textContent('#source-text');
  check(passage.includes('Consumers in a group share the partitions of a topic.'), 'citation [1] shows its passage');
  check((await page.textContent('#source-title')) === 'Kafka guide', 'the passage names its document');

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log('screenshot: ' + screenshot);
} finally {
  await browser.close();
}
