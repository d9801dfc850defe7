"""End-to-end: the official MCP Python SDK client (`mcp` on PyPI) against `trek serve`.

    tests/e2e/.venv/bin/python tests/e2e/py_sdk.py <base-url> <owner-login-url>

(a) authorization code + PKCE through the SDK's OAuthClientProvider: discovery, dynamic
    registration, the authorize URL followed over HTTP by our "browser", the consent approved by
    the owner with `trek consent approve`; then tools listed and called in the session era
    (initialize + Mcp-Session-Id) and the session ended with DELETE.
(b) refresh: the access token is marked expired client-side (and spoiled, so only a real refresh
    can succeed); the SDK refreshes before the next request and the refresh token rotates.
(c) client_credentials with the SDK's ClientCredentialsOAuthProvider for an owner-made machine
    client. The SDK asks for the scopes of the 401 challenge; Trek grants the intersection with
    what the client may have (RFC 6749 §3.3).
(d) scope step-up: a client granted only trips:read calls create_trip, gets 403
    insufficient_scope with the needed scope in WWW-Authenticate, re-authorizes with the union
    (the owner approves trips:read + trips:write) and the retried call succeeds.
(e) the stateless era (2026-07-28) through the SDK's automatic negotiation.
Prints PASS/FAIL per step; exits non-zero on the first failure.
"""

import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "py"))

import httpx2  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from trek_e2e import (  # noqa: E402
    WAIT_S,
    Browser,
    MemoryStorage,
    Owner,
    Steps,
    check,
    equal,
    oauth_provider,
    parse_args,
    tool_json,
)

BASE, LOGIN_URL = parse_args("py_sdk.py")
MCP_URL = f"{BASE}/mcp"


class Recorder:
    """Every HTTP exchange the SDK made to /mcp, for asserting on statuses and headers."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, dict]] = []

    async def __call__(self, response: httpx2.Response) -> None:
        if response.request.url.path == "/mcp":
            self.seen.append((response.request.method, response.status_code, dict(response.headers)))


def mcp_client(auth, recorder: Recorder | None = None, mode: str = "legacy") -> Client:
    hooks = {"response": [recorder]} if recorder else {}
    http = httpx2.AsyncClient(auth=auth, timeout=httpx2.Timeout(WAIT_S, read=60.0), event_hooks=hooks)
    return Client(streamable_http_client(MCP_URL, http_client=http), mode=mode, read_timeout_seconds=WAIT_S)


async def main(step: Steps) -> None:
    owner = await step("owner logs in with the one-time link", asyncio.to_thread, Owner, BASE, LOGIN_URL)
    browser = Browser(BASE, owner)
    provider, storage = oauth_provider(BASE, browser, "Trek e2e (Python SDK)")
    recorder = Recorder()
    trip_id = None

    async def authorize_and_use() -> int:
        async with mcp_client(provider, recorder) as client:
            equal(client.protocol_version, "2025-11-25", "negotiated protocol version")
            check(client.server_info and client.server_info.name, f"server info: {client.server_info}")
            tools = {t.name for t in (await client.list_tools()).tools}
            for name in ("list_trips", "get_trip_summary", "create_trip"):
                check(name in tools, f"{name} missing from {sorted(tools)}")
            trip = tool_json(await client.call_tool("create_trip", {"title": "Lisbon via Python SDK"}))
            check(isinstance(trip.get("id"), int), f"trip id: {trip}")
            summary = tool_json(await client.call_tool("get_trip_summary", {"trip_id": trip["id"]}))
            equal(summary["trip"]["title"], "Lisbon via Python SDK", "title in the summary")
            missing = await client.call_tool("get_trip_summary", {"trip_id": 987654})
            equal(missing.is_error, True, "isError for a missing trip")
        check(storage.client_info and storage.client_info.client_id.startswith("trekci_"), "DCR client id")
        equal(len(browser.authorize_urls), 1, "authorize redirects")
        check(storage.tokens.access_token.startswith("trekoa_"), "access token prefix")
        check(storage.tokens.refresh_token.startswith("trekrf_"), "refresh token issued")
        statuses = [(m, s) for m, s, _ in recorder.seen]
        check(("POST", 401) in statuses, f"the first request was challenged: {statuses}")
        first_401 = next(h for m, s, h in recorder.seen if s == 401)
        check("resource_metadata=" in first_401.get("www-authenticate", ""), f"challenge: {first_401}")
        # The SDK ends its session with DELETE; Streamable HTTP clients expect 200/204 there.
        deletes = [s for m, s, _ in recorder.seen if m == "DELETE"]
        equal(deletes, [204], "DELETE of the session")
        return trip["id"]

    trip_id = await step(
        "(a) discovery + DCR + authorize (owner approves via trek consent) + token; tools listed and called",
        authorize_and_use,
    )

    async def refresh() -> None:
        before = storage.tokens
        saved = len(storage.history)
        # Expired by the client's clock; the spoiled value proves the SDK did not simply reuse it.
        provider.context.current_tokens = before.model_copy(update={"access_token": "trekoa_spoiled"})
        provider.context.token_expiry_time = time.time() - 1
        async with mcp_client(provider) as client:
            summary = tool_json(await client.call_tool("get_trip_summary", {"trip_id": trip_id}))
            equal(summary["trip"]["title"], "Lisbon via Python SDK", "summary after refresh")
        equal(len(browser.authorize_urls), 1, "no new authorization: a refresh, not a re-login")
        equal(len(storage.history), saved + 1, "tokens saved by the refresh")
        after = storage.tokens
        check(after.access_token.startswith("trekoa_") and after.access_token != before.access_token, "new access token")
        check(after.refresh_token.startswith("trekrf_") and after.refresh_token != before.refresh_token, "rotated refresh token")

    await step("(b) expired access token → the SDK refreshes; the refresh token rotates", refresh)

    async def machine() -> None:
        client_info = await asyncio.to_thread(
            owner.machine_client, "Trek e2e machine (Python SDK)", "trips:read trips:write"
        )
        cc_storage = MemoryStorage()
        cc = ClientCredentialsOAuthProvider(
            server_url=MCP_URL,
            storage=cc_storage,
            client_id=client_info["client_id"],
            client_secret=client_info["client_secret"],
            issuer=BASE,
        )
        async with mcp_client(cc) as client:
            trip = tool_json(await client.call_tool("create_trip", {"title": "Machine trip (Python)"}))
            summary = tool_json(await client.call_tool("get_trip_summary", {"trip_id": trip["id"]}))
            equal(summary["trip"]["title"], "Machine trip (Python)", "machine summary")
        tokens = cc_storage.tokens
        check(tokens.access_token.startswith("trekoa_"), "machine access token")
        check(tokens.refresh_token is None, "no refresh token for client_credentials")
        equal(sorted(tokens.scope.split()), ["trips:read", "trips:write"], "granted machine scopes")

    await step("(c) client_credentials via the SDK's ClientCredentialsOAuthProvider", machine)

    async def step_up() -> None:
        reader = Browser(BASE, owner)
        reader.approve_scopes = "trips:read"
        up, up_storage = oauth_provider(BASE, reader, "Trek e2e (Python SDK, step-up)")
        seen = Recorder()
        async with mcp_client(up, seen) as client:
            trips = tool_json(await client.call_tool("list_trips", {}))
            check("Lisbon via Python SDK" in str(trips), f"list_trips with trips:read: {str(trips)[:300]}")
            equal(up_storage.tokens.scope, "trips:read", "first grant")
            # The owner will approve the added scope on the next consent.
            reader.approve_scopes = "trips:read,trips:write"
            trip = tool_json(await client.call_tool("create_trip", {"title": "Stepped up"}))
            check(isinstance(trip.get("id"), int), f"create_trip after step-up: {trip}")
        forbidden = [h for m, s, h in seen.seen if s == 403]
        equal(len(forbidden), 1, "403 answers")
        challenge = forbidden[0].get("www-authenticate", "")
        check('error="insufficient_scope"' in challenge, f"challenge error: {challenge}")
        check('scope="trips:read trips:write"' in challenge, f"challenge scope: {challenge}")
        equal(len(reader.authorize_urls), 2, "authorizations (first + step-up)")
        stepped = reader.authorize_urls[1]
        check("trips%3Awrite" in stepped, f"step-up authorize asks for trips:write: {stepped}")
        equal(sorted(up_storage.tokens.scope.split()), ["trips:read", "trips:write"], "scopes after step-up")

    await step("(d) scope step-up: trips:read → create_trip → 403 insufficient_scope → re-authorize → success", step_up)

    async def stateless() -> None:
        async with mcp_client(provider, mode="auto") as client:
            equal(client.protocol_version, "2026-07-28", "auto-negotiated protocol version")
            summary = tool_json(await client.call_tool("get_trip_summary", {"trip_id": trip_id}))
            equal(summary["trip"]["title"], "Lisbon via Python SDK", "summary in the stateless era")

    await step("(e) stateless era (2026-07-28) via the SDK's auto negotiation", stateless)


if __name__ == "__main__":
    Steps("py_sdk").run(main)
