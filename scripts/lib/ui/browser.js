// Debian's chromium, headless, as this machine lets it run: no sandbox (root), no GPU, and none of
// its background connections (this network refuses them, many at a time), a fresh profile each.
const puppeteer = require('puppeteer-core');
const fs = require('fs');

/** Clicks the first visible element of `among` whose text is exactly `text`; whether there was one. */
exports.clickText = async (page, text, among = 'button, a, [role=tab]') => {
  for (const h of await page.$$(among)) {
    const t = await h.evaluate((e) => (e.innerText || '').trim());
    if (t === text && (await h.evaluate((e) => !!(e.offsetWidth || e.offsetHeight)))) {
      await h.click();
      return true;
    }
  }
  return false;
};

exports.launch = () => puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${fs.mkdtempSync('/tmp/chrome-profile-')}`],
});
