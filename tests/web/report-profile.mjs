// Profile of a cohort's report at 4x CPU slowdown (issue 16's bar): against
// a platform already running (scripts/run.sh output saved in a file), the
// organiser opens a programme's cohort list, then the first cohort's report,
// REPEAT times at 1280 px and at 360 px; prints the time from the click to
// the figures (#r-cost) and to both charts drawn (.chart svg), the medians,
// and, with PROFILE=1, the JavaScript self time per function (CDP
// Profiler) of the last repetition.  web/dist is served from disk (page.route),
// with the gateway's own headers (CSP included), so a rebuild needs no
// gateway restart.
//
//   PELITA_WEB_RUNLOG=run.log [REPEAT=5] [PROFILE=1] node tests/web/report-profile.mjs
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEB = path.join(ROOT, 'web');
const require = createRequire(path.join(WEB, 'package.json'));
const { chromium } = require('playwright-core');
const REPEAT = Number(process.env.REPEAT ?? 5);
const PROFILE = process.env.PROFILE === '1';

const log = fs.readFileSync(process.env.PELITA_WEB_RUNLOG, 'utf8');
const base = /Pelita is running[^\n]*\n\s+web\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(log)[1];
const org = /^\s+organiser\s+(\S+)\s+password\s+(\S+)\s*$/m.exec(log);

const lazyChunk = fs.readdirSync(path.join(WEB, 'dist/assets')).some((f) => f.startsWith('ReportCharts-'));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const browser = await chromium.launch({ executablePath: process.env.PELITA_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const vp of [{ w: 1280, h: 900, tag: 'desktop' }, { w: 360, h: 780, tag: 'phone' }]) {
    const figures = [];
    const charts = [];
    const problems = [];
    for (let i = 0; i < REPEAT; i++) {
      // Each repetition in a new browser context (its own renderer): the
      // first report a user opens, with nothing of the chart code run yet.
      const ctx = await browser.newContext({ viewport: { width: vp.w, height: vp.h }, locale: 'id-ID' });
      const page = await ctx.newPage();
      page.on('console', (m) => { if ((m.type() === 'error' && !/400 \(Bad Request\)/.test(m.text())) || /Refused to/.test(m.text())) problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.route('**/*', async (route) => {
        const u = new URL(route.request().url());
        if (u.pathname.startsWith('/v1/')) return route.continue();
        const res = await route.fetch();
        const file = u.pathname.startsWith('/assets/') ? path.join(WEB, 'dist', u.pathname) : path.join(WEB, 'dist/index.html');
        const type = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8' }[path.extname(file)] ?? 'application/octet-stream';
        return route.fulfill({ status: 200, headers: { ...res.headers(), 'content-type': type }, body: fs.readFileSync(file) });
      });
      await page.goto(base);
      await page.fill('#username', org[1]);
      await page.fill('#password', org[2]);
      await page.click('button[type=submit]');
      await page.waitForURL('**/beranda');
      await page.getByRole('link', { name: 'Program pelatihan' }).click();
      await page.waitForSelector('main table a[href^="/program/"]');
      const prog = await page.getAttribute('main table a[href^="/program/"]', 'href');
      await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, prog);
      await page.waitForSelector('main a[href$="/laporan"]');
      await page.waitForFunction(() => !document.querySelector('.loading'));
      // As in the e2e (axe runs on the list first): the prefetched chart chunk (Observable Plot) has arrived.
      if (lazyChunk) await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /ReportCharts/.test(e.name) && e.responseEnd > 0));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const last = PROFILE && i === Number(process.env.PROFILE_AT ?? REPEAT - 1);
      const trace = process.env.TRACE && i === REPEAT - 1;
      if (trace) await browser.startTracing(page, { path: `${process.env.TRACE}-${vp.tag}.json`, categories: ['devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-devtools.timeline', 'blink', 'loading'] });
      if (last) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start'); }
      const t0 = Date.now();
      await page.locator('main a[href$="/laporan"]').first().click();
      await page.waitForSelector('#r-cost');
      const tf = Date.now();
      await page.waitForFunction(() => document.querySelectorAll('.chart svg').length >= 2);
      const tc = Date.now();
      if (trace) await browser.stopTracing();
      let profile = null;
      if (last) profile = (await cdp.send('Profiler.stop')).profile;
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.detach();
      figures.push(tf - t0);
      charts.push(tc - t0);
      if (process.env.SHOT && i === REPEAT - 1) {
        await page.locator('.charts').screenshot({ path: `${process.env.SHOT}-${vp.tag}.png` });
        await page.emulateMedia({ media: 'print' });
        await page.locator('.charts').screenshot({ path: `${process.env.SHOT}-${vp.tag}-print.png` });
      }
      await ctx.close();
      if (profile) {
        const self = new Map();
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        const dt = profile.timeDeltas;
        profile.samples.forEach((id, k) => {
          const n = byId.get(id);
          const cf = n.callFrame;
          const key = `${cf.functionName || '(anon)'} ${cf.url.split('/').pop()}:${cf.lineNumber}:${cf.columnNumber}`;
          self.set(key, (self.get(key) ?? 0) + (dt[k] ?? 0));
        });
        const total = [...self.values()].reduce((a, b) => a + b, 0);
        console.log(`  ${vp.tag} profile: ${(total / 1000).toFixed(0)} ms sampled; top self time:`);
        for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${(v / 1000).toFixed(1).padStart(7)} ms  ${k}`);
      }
    }
    console.log(`${vp.tag} (${vp.w} px) report at 4x CPU, ${REPEAT} repetitions: figures ${figures.join(', ')} ms (median ${median(figures)});`
      + ` both charts ${charts.join(', ')} ms (median ${median(charts)})`);
    if (problems.length) console.log(`  console errors: ${problems.slice(0, 3).join(' | ')}`);
  }
} finally {
  await browser.close();
}
