// A screenshot of the Temporal Web UI as a person sees it, after the steps given; a tool for looking
// at a page by hand (WebUiE2eTest runs ui_check.js). scripts/tools installs Debian's chromium and
// puppeteer-core (into .labflow/ui):
//   NODE_PATH=.labflow/ui/node_modules node scripts/lib/ui/ui_shot.js URL out.png [waitMs] [step...]
// Steps: click=TEXT (visible element whose text is TEXT), button=TEXT, sel=CSS, type=CSS|TEXT,
// key=KEY, wait=MS, html=CSS (print matching elements). POST requests and answers are printed, so
// a run shows exactly what the UI sent (for example an update's name and JSON payload).
// DUMP=1 also writes the page's text next to the PNG.
// HEIGHT=2400 makes the window taller (a long Current Details panel scrolls within the page).
// Example: a rejected update, as in docs/worker.md:
//   node scripts/lib/ui/ui_shot.js http://127.0.0.1:8233/namespaces/default/workflows/lab-042 reject.png 3000 \
//     "click=More Actions" "click=Send an Update" "sel=dialog[open] #update-select" "click=resume" \
//     'type=dialog[open] .cm-content|"RETRY"' "sel=dialog[open] [data-testid=confirm-modal-button]" wait=2500
const fs = require('fs');
const { launch, clickText } = require('./browser');
(async () => {
  const [url, out, waitMs = '4000', ...clicks] = process.argv.slice(2);
  const browser = await launch();
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: +(process.env.HEIGHT || 1000) });
  page.on('request', r => { if (r.method() === 'POST') console.log('POST', r.url(), (r.postData() || '').slice(0, 400)); });
  page.on('response', async r => { if (r.request().method() === 'POST' && !r.url().includes('metadata')) { try { console.log('RESP', r.status(), (await r.text()).slice(0, 600)); } catch (e) {} } });
  await page.goto(url, { waitUntil: 'networkidle2', timeout: 60000 });
  await new Promise(r => setTimeout(r, +waitMs));
  for (const c of clicks) {
    const i = c.indexOf('='); const kind = c.slice(0, i); const text = c.slice(i + 1);
    if (kind === 'click' || kind === 'button') {
      const among = kind === 'button' ? 'button'
        : 'button, a, [role=tab], [role=button], [role=menuitem], li, label, span, div';
      console.log(kind, text, await clickText(page, text, among));
      await new Promise(r => setTimeout(r, 1500));
    } else if (kind === 'type') {
      const j = text.indexOf('|'); const sel = text.slice(0, j); const value = text.slice(j + 1);
      await page.click(sel, { clickCount: 3 });
      await page.keyboard.type(value);
      await new Promise(r => setTimeout(r, 500));
    } else if (kind === 'sel') {
      await page.click(text);
      await new Promise(r => setTimeout(r, 1000));
    } else if (kind === 'html') {
      console.log((await page.evaluate((sel) => [...document.querySelectorAll(sel)].map(e => e.tagName + ' id=' + e.id + ' testid=' + e.getAttribute('data-testid') + ' class=' + (e.className || '').toString().slice(0, 60) + ' text=' + (e.innerText || '').slice(0, 40)).join('\n'), text)));
    } else if (kind === 'key') {
      await page.keyboard.press(text);
      await new Promise(r => setTimeout(r, 1500));
    } else if (kind === 'wait') {
      await new Promise(r => setTimeout(r, +text));
    }
  }
  await page.screenshot({ path: out, fullPage: true });
  if (process.env.DUMP) fs.writeFileSync(out + '.txt', await page.evaluate(() => document.body.innerText));
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
