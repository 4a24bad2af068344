// Opens an evaluation report in headless Chromium, checks that its trend charts rendered (SVG elements with a drawn
// line), and saves a screenshot. Usage: node report.cjs REPORT_URL SCREENSHOT_PATH. playwright-core comes from the
// gateway's browser-test folder (NODE_PATH), installed by .ci/run.
const { chromium } = require('playwright-core');

(async () => {
  const [url, screenshot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(url);
    const charts = await page.$$eval('svg[data-metric]', (svgs) => svgs.map((s) => ({
      metric: s.dataset.metric,
      width: s.getBoundingClientRect().width,
      points: s.querySelectorAll('circle').length,
      drawn: (s.querySelector('path') || { getTotalLength: () => 0 }).getTotalLength(),
    })));
    console.log(JSON.stringify(charts));
    if (charts.length === 0) throw new Error('no chart');
    for (const c of charts) {
      if (c.width < 100 || c.points < 2 || c.drawn <= 0) throw new Error('chart not drawn: ' + JSON.stringify(c));
    }
    if (!(await page.isVisible('#regressed'))) throw new Error('the regression is not shown');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log('ok: ' + charts.length + ' charts rendered');
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
