// What an operator sees of labs in the Temporal Web UI (2.54), checked in a real browser (Debian's
// chromium, puppeteer-core; scripts/tools installs both) and kept as screenshots. WebUiE2eTest runs
// it on every build; by hand, against the local stack:
//   NODE_PATH=.labflow/ui/node_modules node scripts/lib/ui/ui_check.js UI_URL OUT_DIR \
//     --lab lab-042 --paused lab-paused --rejected lab-typo --fleet fleet-iam-class-2026-... \
//     --reset reset-lab-gone
// Each page gets OUT_DIR/<name>.png and <name>.txt (its text); every check prints "ok" or "FAIL"
// and the exit code is the number of failures.
//   list         the workflow list with the columns LabState, LabVariant and LabId added through
//                "Configure Workflows Table" (the drawer of the sliders button under the table)
//   list-paused  the same list filtered by the visibility query LabState="PAUSED", saved as the
//                view "Paused labs" (Save as New)
//   lab, paused  a lab's page, tab "User Metadata": Summary, Details and Current Details
//   rejected     a run whose input was refused: its Result panel, without a Java stack trace
//   fleet        a fleet night's page, tab "User Metadata": the morning report
//   reset        a reset or sweep that could not finish: its Result panel, the sentence down to
//                its type, without a Java stack trace
// and then, as a person acts (the test checks what the lab does):
//   start        the Start Workflow form: LabWorkflow, --start ID on --queue Q, input --input JSON
//   resume       the paused lab's More Actions, Send an Update: resume with "RETRY"
const fs = require('fs');
const { launch, clickText } = require('./browser');
const path = require('path');

const [base, out, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const ns = `${base}/namespaces/${opt.namespace || 'default'}/workflows`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
const visible = { visible: true, timeout: 20000 };

function check(what, ok) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
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

// The page's text once it has what `ready` looks for, or after 20 s (a busy machine renders slowly).
async function until(page, ready, ms = 20000) {
  let text = await frameText(page, 'body');
  for (const end = Date.now() + ms; !ready(text) && Date.now() < end; text = await frameText(page, 'body')) {
    await sleep(500);
  }
  return text;
}

// The page once ready, kept as OUT_DIR/<name>.png and .txt; its text, for the checks.
async function shot(page, name, ready = () => true) {
  const text = await until(page, ready);
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  fs.writeFileSync(path.join(out, `${name}.txt`), text);
  return text;
}

async function metadata(page, id, name, ready) {
  await page.goto(`${ns}/${encodeURIComponent(id)}`, { waitUntil: 'networkidle2', timeout: 60000 });
  // A click while the page still loads is lost: clicked again until the tab shows what it holds.
  let found = false;
  for (let i = 0; i < 4 && !ready(await frameText(page, 'body')); i++) {
    await until(page, (t) => t.includes('User Metadata'));
    found = (await clickText(page, 'User Metadata')) || found;
    await until(page, ready, 5000);
  }
  check(`${name}: tab "User Metadata" found`, found);
  return shot(page, name, ready);
}

(async () => {
  fs.mkdirSync(out, { recursive: true });
  const browser = await launch();
  const page = await browser.newPage();
  // Wide enough for the added columns beside the default ones.
  await page.setViewport({ width: 1800, height: 1000 });

  // The list: LabState, LabVariant and LabId as columns (the UI keeps them in the browser).
  await page.goto(ns, { waitUntil: 'networkidle2', timeout: 60000 });
  await (await page.waitForSelector('[data-testid=workflows-summary-table-configuration-button]', visible)).click();
  await page.waitForSelector('[data-testid=drawer-close-button]', visible);
  await sleep(500);
  for (const attr of ['LabState', 'LabVariant', 'LabId']) {
    const add = await page.$(`[data-testid="orderable-list-item-${attr}-add-button"]`);
    check(`list: column ${attr} can be added`, !!add);
    if (add) { await add.click(); await sleep(500); }
  }
  const runId = await page.$('[data-testid="orderable-list-item-Run ID-remove-button"]');
  if (runId) { await runId.click(); await sleep(500); }
  await page.click('[data-testid=drawer-close-button]');
  let text = await shot(page, 'list', (t) => /LabState/.test(t)
    && (!opt.lab || t.includes(`${opt.lab}\t`)) && (!opt.paused || t.includes(opt.paused)));
  check('list: LabState is a column', /LabState/.test(text));
  // The row's text as list-paused looks for it below, so that its absence there means something.
  if (opt.lab) check('list: the live lab is listed', text.includes(`${opt.lab}\t`));
  if (opt.paused) {
    check('list: the paused lab shows PAUSED', new RegExp(`${opt.paused}[^\\n]*\\n?[^\\n]*PAUSED`).test(text)
      || text.split('\n').some((l) => l.includes(opt.paused) && l.includes('PAUSED')));
  }
  await page.goto(`${ns}?query=${encodeURIComponent('LabState="PAUSED"')}`, { waitUntil: 'networkidle2', timeout: 60000 });
  await until(page, (t) => t.includes('Save as New'));
  // Kept as a saved view (in the browser's storage): Saved Views lists it from then on.
  check('list-paused: "Save as New" offered', await clickText(page, 'Save as New'));
  await page.waitForSelector('[data-testid=workflow-save-view-modal-input]', visible);
  await page.type('[data-testid=workflow-save-view-modal-input]', 'Paused labs');
  await page.click('dialog[open] [data-testid=confirm-modal-button]');
  text = await shot(page, 'list-paused', (t) => t.includes('Paused labs')
    && (!opt.paused || t.includes(opt.paused)));
  check('list-paused: saved as the view "Paused labs"', text.includes('Paused labs'));
  if (opt.paused) check('list-paused: the paused lab is listed', text.includes(opt.paused));
  if (opt.lab) check('list-paused: the live lab is not', !text.includes(`${opt.lab}\t`));

  if (opt.lab) {
    text = await metadata(page, opt.lab, 'lab', (t) => t.includes(`lab ${opt.lab} ·`));
    check('lab: Summary names the lab', text.includes(`lab ${opt.lab}:`));
    check('lab: Current Details name the lab and its state', text.includes(`lab ${opt.lab} ·`));
  }
  if (opt.paused) {
    const paused = (t) => new RegExp(`lab ${opt.paused} ·[^\\n]*PAUSED`).test(t)
      && t.includes('Fix the cause, then send the Update resume');
    text = await metadata(page, opt.paused, 'paused', paused);
    check('paused: Current Details say PAUSED and what to do', paused(text));
  }
  // A failure's Result panel: its sentence, and its type, which the failure's JSON holds after the
  // stack trace, so the panel shown that far would have shown a stack trace too.
  async function result(id, name, sentence, type) {
    await page.goto(`${ns}/${encodeURIComponent(id)}`, { waitUntil: 'networkidle2', timeout: 60000 });
    const shown = await shot(page, name, (t) => t.includes(sentence) && t.includes(type));
    check(`${name}: the Result panel says ${sentence}`, shown.includes(sentence));
    check(`${name}: ... down to its type ${type}`, shown.includes(type));
    check(`${name}: no Java stack trace in it`, !/stackTrace|\.java:\d+/.test(shown));
  }
  if (opt.rejected) await result(opt.rejected, 'rejected', 'unknown field', 'InvalidRequest');
  if (opt.reset) await result(opt.reset, 'reset', 'the sweep could not finish', 'ResetIncomplete');
  if (opt.fleet) {
    text = await metadata(page, opt.fleet, 'fleet', (t) => /lab\s+result\s+duration/.test(t));
    const report = await frameText(page, 'pre');
    check('fleet: the report is an aligned block with a header row', /^lab\s+result\s+duration\s+step/m.test(report));
    check('fleet: lab ids are not wrapped', !/-\n/.test(report));
  }

  // The editor formats its JSON when it loses the focus, which moves what is below it: a click on
  // the button that also takes the focus from it lands where the button was (seen: the form did
  // nothing). So the focus leaves first, as when a person clicks beside the editor.
  async function typeJson(editor, json) {
    await page.click(editor);
    await page.keyboard.type(json);
    await page.evaluate(() => document.activeElement.blur());
    await sleep(500);
  }
  if (opt.start) {
    await page.goto(`${ns}/start-workflow`, { waitUntil: 'networkidle2', timeout: 60000 });
    for (const [field, value] of [['#workflowId', opt.start], ['#taskQueue', opt.queue], ['#workflowType', 'LabWorkflow']]) {
      await (await page.waitForSelector(field, visible)).click({ clickCount: 3 });
      await page.keyboard.type(value);
    }
    await typeJson('main .cm-content', opt.input);
    await page.click('[data-testid=start-workflow-button]');
    text = await shot(page, 'start', (t) => t.includes('Workflow started successfully') || t.includes('Error starting'));
    check(`start: the form started ${opt.start}`, text.includes('Workflow started successfully'));
  }
  if (opt.resume) {
    await page.goto(`${ns}/${encodeURIComponent(opt.resume)}`, { waitUntil: 'networkidle2', timeout: 60000 });
    await until(page, (t) => t.includes('More Actions'));
    const menu = 'button, [role=menuitem], li';
    check('resume: "More Actions" offered', await clickText(page, 'More Actions'));
    await until(page, (t) => t.includes('Send an Update'), 5000);
    check('resume: "Send an Update" offered', await clickText(page, 'Send an Update', menu));
    await (await page.waitForSelector('dialog[open] #update-select', visible)).click();
    // Each of the lab's Updates is listed with its description: the name is a span of its own.
    let listed = false;
    for (const end = Date.now() + 5000; !listed && Date.now() < end; await sleep(250)) {
      listed = await clickText(page, 'resume', 'dialog[open] span');
    }
    check('resume: the Update resume is listed', listed);
    await typeJson('dialog[open] .cm-content', '"RETRY"');
    await page.click('dialog[open] [data-testid=confirm-modal-button]');
    text = await shot(page, 'resume', (t) => t.includes('Update successful') || /rror/.test(t));
    check('resume: the UI says the Update succeeded', text.includes('Update successful'));
  }
  await browser.close();
  process.exit(failures);
})().catch((e) => { console.error(e); process.exit(100); });
