// What an operator sees of labs in the Temporal Web UI (2.54), checked in a real browser and kept as
// screenshots; optional, never run by CI or the tests (needs chromium and puppeteer-core, see ui_shot.js).
//   NODE_PATH=/tmp/ui-tools/node_modules node scripts/lib/ui_check.js UI_URL OUT_DIR \
//     --lab lab-042 --paused lab-paused --rejected lab-typo --fleet fleet-iam-class-2026-...
// Each page gets OUT_DIR/<name>.png and <name>.txt (its text); every check prints "ok" or "FAIL"
// and the exit code is the number of failures.
//   list         the workflow list with the columns LabState, LabVariant and LabId added through
//                "Configure Workflows Table" (the drawer of the sliders button under the table)
//   list-paused  the same list filtered by the visibility query LabState="PAUSED", saved as the
//                view "Paused labs" (Save as New)
//   lab, paused  a lab's page, tab "User Metadata": Summary, Details and Current Details
//   rejected     a run whose input was refused: its Result panel, without a Java stack trace
//   fleet        a fleet night's page, tab "User Metadata": the morning report
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const path = require('path');

const [base, out, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const ns = `${base}/namespaces/${opt.namespace || 'default'}/workflows`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;

function check(what, ok) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

async function clickText(page, text) {
  for (const h of await page.$$('button, a, [role=tab]')) {
    const t = await h.evaluate((e) => (e.innerText || '').trim());
    if (t === text && (await h.evaluate((e) => !!(e.offsetWidth || e.offsetHeight)))) {
      await h.click();
      return true;
    }
  }
  return false;
}

// The page's text and that of its frames: the UI renders Markdown (summary, details) in iframes.
async function frameText(page, selector) {
  const parts = [];
  for (const f of page.frames()) {
    try {
      parts.push(await f.evaluate((sel) => [...document.querySelectorAll(sel)].map((e) => e.innerText).join('\n'), selector));
    } catch (e) { /* a frame that went away */ }
  }
  return parts.join('\n');
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  const text = await frameText(page, 'body');
  fs.writeFileSync(path.join(out, `${name}.txt`), text);
  return text;
}

async function metadata(page, id, name) {
  await page.goto(`${ns}/${encodeURIComponent(id)}`, { waitUntil: 'networkidle2', timeout: 60000 });
  await sleep(2000);
  check(`${name}: tab "User Metadata" found`, await clickText(page, 'User Metadata'));
  await sleep(2500);
  return shot(page, name);
}

(async () => {
  fs.mkdirSync(out, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      `--user-data-dir=${fs.mkdtempSync('/tmp/chrome-profile-')}`],
  });
  const page = await browser.newPage();
  // Wide enough for the added columns beside the default ones.
  await page.setViewport({ width: 1800, height: 1000 });

  // The list: LabState, LabVariant and LabId as columns (the UI keeps them in the browser).
  await page.goto(ns, { waitUntil: 'networkidle2', timeout: 60000 });
  await sleep(2000);
  await page.click('[data-testid=workflows-summary-table-configuration-button]');
  await sleep(1000);
  for (const attr of ['LabState', 'LabVariant', 'LabId']) {
    const add = await page.$(`[data-testid="orderable-list-item-${attr}-add-button"]`);
    check(`list: column ${attr} can be added`, !!add);
    if (add) { await add.click(); await sleep(500); }
  }
  const runId = await page.$('[data-testid="orderable-list-item-Run ID-remove-button"]');
  if (runId) { await runId.click(); await sleep(500); }
  await page.click('[data-testid=drawer-close-button]');
  await sleep(1500);
  let text = await shot(page, 'list');
  check('list: LabState is a column', /LabState/.test(text));
  if (opt.paused) {
    check('list: the paused lab shows PAUSED', new RegExp(`${opt.paused}[^\\n]*\\n?[^\\n]*PAUSED`).test(text)
      || text.split('\n').some((l) => l.includes(opt.paused) && l.includes('PAUSED')));
  }
  await page.goto(`${ns}?query=${encodeURIComponent('LabState="PAUSED"')}`, { waitUntil: 'networkidle2', timeout: 60000 });
  await sleep(2500);
  // Kept as a saved view (in the browser's storage): Saved Views lists it from then on.
  check('list-paused: "Save as New" offered', await clickText(page, 'Save as New'));
  await sleep(1000);
  await page.type('[data-testid=workflow-save-view-modal-input]', 'Paused labs');
  await page.click('dialog[open] [data-testid=confirm-modal-button]');
  await sleep(2000);
  text = await shot(page, 'list-paused');
  check('list-paused: saved as the view "Paused labs"', text.includes('Paused labs'));
  if (opt.paused) check('list-paused: the paused lab is listed', text.includes(opt.paused));
  if (opt.lab) check('list-paused: the live lab is not', !text.includes(`${opt.lab}\t`));

  if (opt.lab) {
    text = await metadata(page, opt.lab, 'lab');
    check('lab: Summary names the lab', text.includes(`lab ${opt.lab}:`));
    check('lab: Current Details name the lab and its state', text.includes(`lab ${opt.lab} ·`));
  }
  if (opt.paused) {
    text = await metadata(page, opt.paused, 'paused');
    check('paused: Current Details say PAUSED and what to do', text.includes('PAUSED') && text.includes('resume'));
  }
  if (opt.rejected) {
    await page.goto(`${ns}/${encodeURIComponent(opt.rejected)}`, { waitUntil: 'networkidle2', timeout: 60000 });
    await sleep(2500);
    text = await shot(page, 'rejected');
    check('rejected: the Result panel names the field', /unknown field/.test(text));
    check('rejected: no Java stack trace in it', !/stackTrace|\.java:\d+/.test(text));
  }
  if (opt.fleet) {
    text = await metadata(page, opt.fleet, 'fleet');
    const report = await frameText(page, 'pre');
    check('fleet: the report is an aligned block with a header row', /^lab\s+result\s+duration\s+step/m.test(report));
    check('fleet: lab ids are not wrapped', !/-\n/.test(report));
  }
  await browser.close();
  process.exit(failures);
})().catch((e) => { console.error(e); process.exit(100); });
