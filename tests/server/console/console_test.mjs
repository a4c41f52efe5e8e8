// The dispatcher console in Debian's headless Chromium, against a running `siaga serve` with a
// simulated fleet: the page loads with roads and units, a click on the map gives a ranked
// recommendation with routes, one click dispatches, and the server then has the unit dispatched.
// A citizen's panic report from an emulated phone over HTTPS appears in the console's queue with
// an alert; the unit sent from the queue shows on the phone.
// Usage: node console_test.mjs URL SCREENSHOT.png PUBLIC_URL
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const [url, screenshot, publicUrl] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // The test's certificate is self-signed: trusted here, so that the panic page is the secure
  // context a phone gives it (its position, its service worker).
  args: ['--no-sandbox', '--ignore-certificate-errors'],
});
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90000 });
  assert.match(await page.textContent('#dataset'), /SKEMATIS|OSM/);
  assert.equal(await page.getAttribute('html', 'lang'), 'id', 'Bahasa Indonesia by default');
  // Every control has a name a screen reader can say.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label') && !c.textContent.trim())
    .map((c) => c.id || c.outerHTML.slice(0, 60)));
  assert.deepEqual(unnamed, [], 'controls without a label');
  // The map looks like Ambon: land on the sea, the kecamatan named.
  const land = await page.evaluate(() => { let n = 0; layers.land.eachLayer(() => { n += 1; }); return n; });
  assert.ok(land > 0, 'the land layer is drawn');
  assert.ok(await page.locator('.label-area').count() >= 5, 'kecamatan names on the map');
  assert.match(await page.textContent('#recommend'), /Rekomendasi/);
  assert.ok(await page.locator('#hazards input[type=checkbox]').count() > 0, 'hazard switches');
  assert.ok(await page.locator('#type option').count() >= 5, 'incident classes');

  // Units appear: the fleet simulator has reported them.
  await page.waitForFunction(
    () => Number(document.getElementById('units-count').dataset.positioned) > 0,
    null, { timeout: 30000 });

  // A place by name, abbreviated and misspelt as a caller says it: its hit puts the incident there.
  await page.fill('#place', 'rs haulusy');
  await page.press('#place', 'Enter');
  await page.waitForSelector('#places button.place', { timeout: 15000 });
  assert.match(await page.locator('#places button.place').first().textContent(), /Haulussy/);
  await page.selectOption('#type', 'medical');
  await page.locator('#places button.place').first().click();
  await page.waitForSelector('#results li.result', { timeout: 30000 });
  assert.match(await page.locator('#results li.result').first().getAttribute('data-unit'), /^AMB-/);

  // A click on the map near Ambon's city centre, for a medical emergency.
  await page.selectOption('#type', 'medical');
  const point = await page.evaluate(() => {
    const p = map.latLngToContainerPoint([-3.6960, 128.1830]);
    const box = document.getElementById('map').getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  });
  await page.mouse.click(point.x, point.y);
  await page.waitForSelector('#results li.result', { timeout: 30000 });
  const ranked = await page.locator('#results li.result').count();
  assert.ok(ranked >= 1 && ranked <= 3, `1 to 3 units recommended, got ${ranked}`);
  const first = await page.locator('#results li.result').first().getAttribute('data-unit');
  assert.match(first, /^AMB-/, 'a medical incident gets an ambulance');
  const etas = await page.locator('#results li.result .eta').allTextContents();
  const seconds = etas.map((t) => { const [m, , s] = t.split(' '); return 60 * Number(m) + Number(s); });
  assert.deepEqual([...seconds].sort((a, b) => a - b), seconds, 'fastest first');

  // CCTV near the place: the sample register's camera at Tugu Trikora, marked as a sample, as a
  // link that opens apart from the console.
  await page.waitForFunction(
    () => /Tugu Trikora/.test(document.getElementById('cameras').textContent), null,
    { timeout: 15000 });
  assert.match(await page.locator('#cameras-note').textContent(), /SAMPLE/);
  assert.equal(await page.locator('#cameras a').first().getAttribute('rel'), 'noopener noreferrer');

  // Coverage now: a share per target, and the streets outside one on the map when asked.
  await page.waitForFunction(
    () => document.querySelectorAll('#coverage li[data-target]').length > 0, null,
    { timeout: 15000 });
  const shares = await page.locator('#coverage li[data-target]').evaluateAll(
    (items) => items.map((i) => Number(i.dataset.share)));
  assert.ok(shares.every((s) => s >= 0 && s <= 1), `shares ${shares}`);
  assert.ok(shares.some((s) => s > 0), 'the available units cover something');
  // The best-covered target that still has streets outside it (the fewest to draw).
  const best = await page.locator('#coverage li[data-target]').evaluateAll((items) => items
    .filter((i) => Number(i.dataset.share) < 1)
    .sort((a, b) => Number(b.dataset.share) - Number(a.dataset.share))[0].dataset.target);
  await page.selectOption('#coverage-target', best);
  await page.check('#uncovered');
  await page.waitForFunction(() => {
    let drawn = 0;
    layers.uncovered.eachLayer(() => { drawn += 1; });
    return drawn > 0;
  }, null, { timeout: 45000 });

  // One click dispatches; the server agrees.
  await page.locator('#results li.result button.dispatch').first().click();
  await page.waitForSelector('#results li.result.sent', { timeout: 15000 });
  const units = await (await fetch(new URL('/v1/units', url))).json();
  const unit = units.units.find((u) => u.id === first);
  assert.equal(unit.status, 'dispatched');

  // The panic button over HTTPS from a phone at Batu Merah, in Indonesian.
  const phoneContext = await browser.newContext({
    ignoreHTTPSErrors: true, permissions: ['geolocation'], locale: 'id-ID', isMobile: true,
    hasTouch: true, viewport: { width: 390, height: 800 },
    geolocation: { latitude: -3.6850, longitude: 128.1930, accuracy: 15 } });
  const phone = await phoneContext.newPage();
  phone.on('pageerror', (error) => failures.push(`phone page error: ${error.message}`));
  await phone.goto(publicUrl);
  await phone.waitForFunction(
    () => /ditemukan/.test(document.getElementById('position').textContent), null,
    { timeout: 15000 });
  const phoneUnnamed = await phone.evaluate(() => [...document.querySelectorAll('input, textarea, button')]
    .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label') && !c.textContent.trim())
    .map((c) => c.id));
  assert.deepEqual(phoneUnnamed, [], 'the phone page\'s controls without a label');
  assert.equal(await phone.evaluate(() => window.isSecureContext), true);
  const worker = await phone.evaluate(() => Promise.race([
    navigator.serviceWorker.ready.then(() => 'ready'),
    new Promise((resolve) => { setTimeout(() => resolve('no worker'), 15000); })]));
  assert.equal(worker, 'ready', 'the page installs its service worker, as an installable app does');
  const alertsBefore = await page.evaluate(() => Number(document.body.dataset.alerts || 0));
  await phone.click('button.class[data-class="medical"]');
  await phone.fill('#note', 'orang pingsan di pasar');
  await phone.click('#send');
  await phone.waitForFunction(
    () => /Laporan diterima/.test(document.getElementById('result-title').textContent), null,
    { timeout: 15000 });
  const reportId = (await phone.textContent('#result-id')).split(': ')[1];

  // In the dispatcher's queue, marked, with an alert; sent from there.
  const queued = page.locator(`#queue li[data-incident="${reportId}"]`);
  await queued.waitFor({ timeout: 15000 });
  assert.match(await queued.textContent(), /TOMBOL DARURAT WARGA, belum diverifikasi/);
  await page.waitForFunction((before) => Number(document.body.dataset.alerts || 0) > before,
                             alertsBefore, { timeout: 10000 });
  await queued.click();
  await page.waitForFunction(
    (id) => document.getElementById('incident-id').value === id &&
            document.querySelector('#results li.result:not(.sent) button.dispatch'),
    reportId, { timeout: 30000 });
  await page.locator('#results li.result button.dispatch').first().click();
  await page.waitForSelector('#results li.result.sent', { timeout: 15000 });
  const incident = await (await fetch(new URL(`/v1/incidents/${reportId}`, url))).json();
  assert.equal(incident.source, 'app');
  assert.equal(incident.units.length, 1, 'the unit went on the report\'s record');

  // The phone sees help coming.
  await phone.waitForFunction(
    () => ['dispatched', 'en_route', 'on_scene'].includes(
      document.getElementById('result').dataset.status), null, { timeout: 20000 });
  assert.match(await phone.textContent('#result-status'), /Petugas/);
  await phone.screenshot({ path: screenshot.replace(/\.png$/, '-darurat.png') });

  // The unit drives (the simulated crew answers the dispatch): its ETA in the queue counts down,
  // it turns on_scene from its GPS alone, and the phone says so.
  const eta = async () => {
    const text = await queued.textContent();
    const m = text.match(/AMB-\d+ (\d+) mnt (\d+) dtk/);
    return m ? 60 * Number(m[1]) + Number(m[2]) : null;
  };
  const first_eta = await eta();
  assert.ok(first_eta !== null, `an ETA in the queue: ${await queued.textContent()}`);
  await page.waitForFunction(
    ([id, before]) => {
      const item = document.querySelector(`#queue li[data-incident="${id}"]`);
      const m = item && item.textContent.match(/AMB-\d+ (\d+) mnt (\d+) dtk/);
      return m && 60 * Number(m[1]) + Number(m[2]) < before;
    }, [reportId, first_eta], { timeout: 30000 });
  await phone.waitForFunction(
    () => document.getElementById('result').dataset.status === 'on_scene', null,
    { timeout: 150000 });
  const arrived = await (await fetch(new URL(`/v1/incidents/${reportId}`, url))).json();
  assert.ok(arrived.units[0].on_scene_auto, 'on scene from the GPS, not by hand');

  // Closed from the queue: gone from it, and the phone is told.
  await queued.locator('button.close').click();
  await queued.waitFor({ state: 'detached', timeout: 15000 }).catch(async () => {
    assert.fail(`still in the queue after Close: ${await page.textContent('#status')}`);
  });
  await phone.waitForFunction(
    () => document.getElementById('result').dataset.status === 'closed', null, { timeout: 20000 });

  // The boards: every unit on the unit board, today's figures counting the calls.
  assert.equal(await page.locator('#board tr[data-unit]').count(), 26);
  await page.waitForFunction(() => Number(document.getElementById('figures').dataset.calls) >= 1,
                             null, { timeout: 15000 });

  // A call without the mouse: n, the place, Enter on the first hit (the recommendation), the
  // note, c to create the incident, 1 to send the first unit onto its record.
  await page.keyboard.press('Escape');
  await page.keyboard.press('n');
  await page.keyboard.type('passo');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement.classList.contains('place'), null,
                             { timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector('#results li.result:not(.sent) button.dispatch', { timeout: 30000 });
  await page.fill('#note', 'kebakaran rumah, api besar');
  await page.keyboard.press('Escape');
  await page.keyboard.press('c');
  await page.waitForFunction(() => /^112-\d{4}-\d{6}$/.test(document.getElementById('incident-id').value),
                             null, { timeout: 15000 });
  const created = await page.inputValue('#incident-id');
  await page.locator(`#queue li[data-incident="${created}"]`).waitFor({ timeout: 15000 });
  await page.keyboard.press('1');
  await page.waitForSelector('#results li.result.sent', { timeout: 15000 });
  const typed = await (await fetch(new URL(`/v1/incidents/${created}`, url))).json();
  assert.equal(typed.units.length, 1, 'the unit went on the typed incident\'s record');
  assert.ok(typed.events.some((e) => /api besar/.test(e.text)), 'the note is in its log');

  await page.screenshot({ path: screenshot });

  // English by the switch, kept for the next visit.
  await page.click('#lang');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90000 });
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('#recommend'), /Recommend/);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90000 });
  assert.match(await page.textContent('header .sub'), /dispatcher console/);
  assert.deepEqual(failures, []);
  console.log(JSON.stringify({ ok: true, recommended: ranked, dispatched: first, screenshot }));
} finally {
  if (failures.length) console.error(failures.join('\n'));  // the page's own errors explain most
  await browser.close();
}
