// End-to-end: the official MCP TypeScript SDK client against `trek serve`.
//
//   node tests/e2e/ts_sdk.mjs <base-url> <owner-login-url>
//
// (a) authorization code + PKCE driven by the SDK's own auth machinery: it discovers the
//     protected-resource and authorization-server metadata, registers dynamically, builds the
//     authorize URL; our OAuthClientProvider plays the user's browser (waiting page, owner approval
//     through the owner API, status polling) and hands the code back via transport.finishAuth().
//     Then tools/list, create_trip, get_trip_summary, list_trips.
// (b) refresh: the stored access token is spoiled client-side; Trek answers 401 invalid_token, the
//     SDK refreshes with the refresh token; a rotated refresh token must arrive.
// (c) client_credentials with the SDK's ClientCredentialsProvider for a machine client the owner
//     created through the owner API.
// (d) protocol eras: this SDK version speaks the session era (initialize + Mcp-Session-Id) up to
//     2025-11-25; its SUPPORTED_PROTOCOL_VERSIONS has no 2026-07-28, so the stateless era is not
//     reachable through it and is checked as "not offered" rather than faked.
// Prints PASS/FAIL per step; exits non-zero on the first failure.

import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import {
  WAIT_MS, assert, equal, parseArgs, stepper, withTimeout, ownerLogin, playBrowser, createMachineClient, toolJson,
} from './lib.mjs';

const { base, loginUrl } = parseArgs('ts_sdk.mjs');
const mcpUrl = new URL(`${base}/mcp`);
const { step, summary } = stepper();
const REQ = { timeout: WAIT_MS };

/** In-memory OAuthClientProvider whose "browser" is playBrowser(). */
class BrowserlessProvider {
  constructor(owner) {
    this.owner = owner;
    this._clientInformation = undefined;
    this._tokens = undefined;
    this._verifier = undefined;
    this._state = undefined;
    this.savedTokens = [];
    this.authorizeUrls = [];
    this.pendingCode = undefined;
  }
  get redirectUrl() {
    return 'http://127.0.0.1:33418/callback';
  }
  get clientMetadata() {
    return {
      client_name: 'Trek e2e (TypeScript SDK)',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    this._state = randomBytes(16).toString('base64url');
    return this._state;
  }
  clientInformation() {
    return this._clientInformation;
  }
  saveClientInformation(info) {
    this._clientInformation = info;
  }
  tokens() {
    return this._tokens;
  }
  saveTokens(tokens) {
    this._tokens = tokens;
    this.savedTokens.push(tokens);
  }
  saveCodeVerifier(verifier) {
    this._verifier = verifier;
  }
  codeVerifier() {
    assert(this._verifier, 'no code verifier saved');
    return this._verifier;
  }
  async redirectToAuthorization(url) {
    this.authorizeUrls.push(url.toString());
    const params = url.searchParams;
    equal(params.get('code_challenge_method'), 'S256', 'code_challenge_method the SDK sent');
    equal(params.get('state'), this._state, 'state the SDK sent');
    equal(params.get('resource'), mcpUrl.href, 'resource indicator the SDK sent');
    const redirect = await playBrowser(base, this.owner, url.toString());
    assert(redirect.location.startsWith(`${this.redirectUrl}?`), `redirect to ${redirect.location}`);
    this.pendingCode = redirect.code;
  }
}

async function connect(authProvider) {
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider });
  const client = new Client({ name: 'trek-e2e-ts-sdk', version: '1.0.0' });
  await withTimeout(client.connect(transport, REQ), WAIT_MS, 'client.connect');
  return { client, transport };
}

async function main() {
  const owner = await step('owner logs in with the one-time link', () => ownerLogin(loginUrl));
  const provider = new BrowserlessProvider(owner);
  let session;

  await step('(a) SDK: discovery + dynamic registration + authorize; the user approves in the "browser"', async () => {
    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    const client = new Client({ name: 'trek-e2e-ts-sdk', version: '1.0.0' });
    let unauthorized;
    try {
      await withTimeout(client.connect(transport, REQ), WAIT_MS, 'first connect');
    } catch (error) {
      unauthorized = error;
    }
    assert(unauthorized instanceof UnauthorizedError, `first connect should end in UnauthorizedError, got ${unauthorized}`);
    assert(provider._clientInformation?.client_id?.startsWith('trekci_'), `DCR client id: ${JSON.stringify(provider._clientInformation)}`);
    equal(provider.authorizeUrls.length, 1, 'authorize redirects');
    assert(provider.authorizeUrls[0].startsWith(`${base}/oauth/authorize?`), provider.authorizeUrls[0]);
    assert(provider.pendingCode, 'the browser brought back a code');
    await withTimeout(transport.finishAuth(provider.pendingCode), WAIT_MS, 'finishAuth');
    assert(provider._tokens?.access_token?.startsWith('trekoa_'), 'access token prefix');
    assert(provider._tokens?.refresh_token?.startsWith('trekrf_'), `refresh token issued: ${JSON.stringify(Object.keys(provider._tokens ?? {}))}`);
    await client.close().catch(() => {});
  });

  await step('(a) reconnect with the token: initialize (2025-11-25, session era)', async () => {
    session = await connect(provider);
    const version = session.client.getServerVersion();
    assert(version?.name, `server info: ${JSON.stringify(version)}`);
    assert(session.transport.sessionId, 'Mcp-Session-Id assigned');
    equal(session.transport.protocolVersion, LATEST_PROTOCOL_VERSION, 'negotiated protocol version');
    equal(LATEST_PROTOCOL_VERSION, '2025-11-25', "SDK's latest protocol version");
  });

  let tripId;
  await step('(a) tools/list includes list_trips, get_trip_summary, create_trip', async () => {
    const { tools } = await session.client.listTools(undefined, REQ);
    const names = tools.map((t) => t.name);
    for (const n of ['list_trips', 'get_trip_summary', 'create_trip']) assert(names.includes(n), `${n} missing from ${names}`);
    const create = tools.find((t) => t.name === 'create_trip');
    equal(create.inputSchema.type, 'object', 'create_trip input schema type');
  });

  await step('(a) tools/call create_trip', async () => {
    const result = await session.client.callTool({ name: 'create_trip', arguments: { title: 'Lisbon via TS SDK' } }, undefined, REQ);
    const trip = toolJson(result);
    assert(Number.isInteger(trip.id), `trip id: ${JSON.stringify(trip)}`);
    equal(trip.title, 'Lisbon via TS SDK', 'created title');
    tripId = trip.id;
  });

  await step('(a) tools/call get_trip_summary and list_trips see the trip', async () => {
    const summary = toolJson(await session.client.callTool({ name: 'get_trip_summary', arguments: { trip_id: tripId } }, undefined, REQ));
    const text = JSON.stringify(summary);
    assert(text.includes('Lisbon via TS SDK'), `summary does not name the trip: ${text.slice(0, 500)}`);
    const list = toolJson(await session.client.callTool({ name: 'list_trips', arguments: {} }, undefined, REQ));
    assert(JSON.stringify(list).includes(`"id":${tripId}`), `list_trips misses ${tripId}: ${JSON.stringify(list).slice(0, 500)}`);
  });

  await step('(a) a bad tool call is a tool error, not a transport failure', async () => {
    const result = await session.client.callTool({ name: 'get_trip_summary', arguments: { trip_id: 987654 } }, undefined, REQ);
    equal(result.isError, true, 'isError for a missing trip');
  });

  await step('(b) spoiled access token → 401 invalid_token → SDK refreshes; refresh token rotated', async () => {
    const before = provider._tokens;
    const savedBefore = provider.savedTokens.length;
    provider._tokens = { ...before, access_token: `trekoa_${randomBytes(32).toString('base64url')}` };
    const result = await session.client.callTool({ name: 'get_trip_summary', arguments: { trip_id: tripId } }, undefined, REQ);
    assert(JSON.stringify(toolJson(result)).includes('Lisbon via TS SDK'), 'summary after refresh');
    equal(provider.savedTokens.length, savedBefore + 1, 'tokens saved by the refresh');
    const after = provider._tokens;
    assert(after.access_token.startsWith('trekoa_') && after.access_token !== before.access_token, 'a new access token');
    assert(after.refresh_token?.startsWith('trekrf_'), 'a refresh token came back');
    assert(after.refresh_token !== before.refresh_token, 'the refresh token rotated');
  });

  await step('(b) the refreshed token keeps working on a fresh connection', async () => {
    await session.client.close();
    session = await connect(provider);
    const list = toolJson(await session.client.callTool({ name: 'list_trips', arguments: {} }, undefined, REQ));
    assert(JSON.stringify(list).includes(`"id":${tripId}`), 'list_trips after refresh');
    await session.client.close();
  });

  await step('(c) client_credentials via the SDK ClientCredentialsProvider for an owner-made machine client', async () => {
    const machine = await createMachineClient(base, owner, 'Trek e2e machine (TS SDK)', 'trips:read trips:write');
    const cc = new ClientCredentialsProvider({
      clientId: machine.client_id,
      clientSecret: machine.client_secret,
      scope: 'trips:read trips:write',
      expectedIssuer: base,
    });
    const { client, transport } = await connect(cc);
    const tokens = cc.tokens();
    assert(tokens?.access_token?.startsWith('trekoa_'), 'machine access token');
    assert(!tokens.refresh_token, 'no refresh token for client_credentials');
    assert(transport.sessionId, 'machine session id');
    const created = toolJson(await client.callTool({ name: 'create_trip', arguments: { title: 'Machine trip' } }, undefined, REQ));
    const summary = toolJson(await client.callTool({ name: 'get_trip_summary', arguments: { trip_id: created.id } }, undefined, REQ));
    assert(JSON.stringify(summary).includes('Machine trip'), 'machine summary');
    await client.close();
  });

  await step('(d) eras: SDK offers session-era versions only (no 2026-07-28) — stateless era not reachable via this SDK', async () => {
    assert(!SUPPORTED_PROTOCOL_VERSIONS.includes('2026-07-28'), 'this SDK now supports 2026-07-28: extend this test to the stateless era');
    assert(SUPPORTED_PROTOCOL_VERSIONS.includes('2025-11-25'), 'SDK supports 2025-11-25');
  });
}

try {
  await main();
  console.log(`ts_sdk: ${summary()}`);
  process.exit(0);
} catch {
  console.log(`ts_sdk: ${summary()}`);
  process.exit(1);
}
