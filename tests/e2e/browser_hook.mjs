#!/usr/bin/env node
// A stand-in for the user's web browser, for programs that "open the browser" through $BROWSER
// (xdg-open's generic path: `$BROWSER <url>`). It hands the URL to the test that is playing the
// browser (mcp_remote.mjs listens on TREK_E2E_BROWSER_HOOK, a 127.0.0.1 URL) and exits 0 once the
// test has taken it, so the opener sees a successful launch.

const url = process.argv[2];
const hook = process.env.TREK_E2E_BROWSER_HOOK;
if (!url || !hook || new URL(hook).hostname !== '127.0.0.1') {
  console.error('browser_hook.mjs: needs a URL argument and TREK_E2E_BROWSER_HOOK=http://127.0.0.1:PORT/...');
  process.exit(2);
}
try {
  const response = await fetch(hook, { method: 'POST', body: url, signal: AbortSignal.timeout(10000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`browser_hook.mjs: ${error}`);
  process.exit(1);
}
