import { launchChromium, officePage, signIn, screenshot } from '../test/support/browser.js';
const b = await launchChromium();
for (const [name, view] of [['zhang.wei', 'desk'], ['wang.zhuren', 'supervisor'], ['ops.zhao', 'ops'], ['shen.ji', 'audit']] as const) {
  const p = await officePage(b);
  await signIn(p, 'http://127.0.0.1:8080', name, 'zhiban-demo-2026');
  await p.click(`[data-test="nav-${view}"]`);
  await p.waitForLoadState('networkidle');
  await screenshot(p, `demo-${name}-${view}`);
  await p.context().close();
}
await b.close();
