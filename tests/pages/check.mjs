// Run by check.sh: axe-core (WCAG 2 A/AA) on each page in light and dark at 1280 and
// 390 px, whether the page scrolls sideways, and screenshots (also printed).
import { createRequire } from 'node:module';
const require = createRequire(process.env.NODE_PATH + '/');
const { chromium } = require('playwright-core');
const axe = require('axe-core');
const [run, shots, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
let failed = false;
for (const page of pages) {
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const p = await ctx.newPage();
      await p.goto('file://' + run + '/' + page);
      await p.addScriptTag({ content: axe.source });
      const result = await p.evaluate(async () =>
        await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }));
      const sideways = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const name = page.replace(/[\/.]/g, '_') + `-${scheme}-${width}`;
      await p.screenshot({ path: `${shots}/${name}.png`, fullPage: false });
      const v = result.violations;
      console.log(`${page} ${scheme} ${width}px: ${v.length} axe violations, page ${sideways > 0 ? 'scrolls sideways by ' + sideways + ' px' : 'fits'}`);
      for (const x of v) console.log(`  ${x.id} (${x.impact}): ${x.nodes.length} × ${x.help}`);
      if (v.length > 0 || sideways > 0) failed = true;
      await ctx.close();
    }
  }
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await ctx.newPage();
  await p.goto('file://' + run + '/' + page);
  await p.emulateMedia({ media: 'print' });
  await p.screenshot({ path: `${shots}/${page.replace(/[\/.]/g, '_')}-print.png`, fullPage: false });
  await ctx.close();
}
await browser.close();
process.exit(failed ? 1 : 0);
