"""Shared helpers for the Python end-to-end scripts (py_sdk.py, kyoto_trip.py): PASS/FAIL steps,
the owner (login link, owner API, `trek consent` CLI), and the MCP Python SDK's OAuth client
provider whose "browser" follows the authorize URL over HTTP. Only 127.0.0.1; every wait bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlparse

import httpx2
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

WAIT_S = 15.0
REDIRECT_URI = "http://127.0.0.1:33419/callback"


class Failure(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failure(message)


def equal(actual: object, expected: object, what: str) -> None:
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def parse_args(script: str) -> tuple[str, str]:
    """`python script.py <base-url> <owner-login-url>`; loopback servers only."""
    if len(sys.argv) != 3:
        print(f"usage: python {script} <base-url> <owner-login-url>", file=sys.stderr)
        sys.exit(2)
    base, login = sys.argv[1].rstrip("/"), sys.argv[2]
    for url in (base, login):
        if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
            print(f"{url}: only loopback servers are tested", file=sys.stderr)
            sys.exit(2)
    return base, login


class Steps:
    """Named steps printed as PASS/FAIL with timings; the first failure ends the run."""

    def __init__(self, name: str) -> None:
        self.name, self.n, self.passed = name, 0, 0

    async def __call__(self, title: str, fn, *args):
        self.n += 1
        started = time.monotonic()
        try:
            result = await asyncio.wait_for(fn(*args), timeout=120)
        except BaseException as error:
            detail = str(error) if isinstance(error, Failure) else traceback.format_exc()
            print(f"FAIL {self.n}. {title}: {detail}", flush=True)
            raise
        self.passed += 1
        print(f"PASS {self.n}. {title} ({(time.monotonic() - started) * 1000:.0f} ms)", flush=True)
        return result

    def run(self, main) -> None:
        """Runs `main(steps)` and exits 0 only when every step passed."""
        try:
            asyncio.run(main(self))
            ok = True
        except BaseException:  # the failing step already printed why
            ok = False
        print(f"{self.name}: {self.passed} passed, {0 if ok else 1} failed", flush=True)
        sys.exit(0 if ok else 1)


class Owner:
    """The owner: a browser session (owner API) and the `trek` CLI on the server's data dir."""

    def __init__(self, base: str, login_url: str) -> None:
        self.base = base
        self.trek = os.environ.get("TREK_BIN", "")
        check(self.trek and os.path.exists(self.trek), "TREK_BIN must name the built trek binary")
        check(os.environ.get("TREK_DATA_DIR"), "TREK_DATA_DIR must name the server's data dir")
        response = httpx2.get(login_url, follow_redirects=False, timeout=WAIT_S)
        equal(response.status_code, 303, "owner login link status")
        cookie = response.cookies.get("trek_session")
        check(cookie, "the login link set no trek_session cookie")
        self.cookie = cookie

    def api(self, method: str, path: str, body: object = None) -> httpx2.Response:
        return httpx2.request(
            method, self.base + path, json=body, cookies={"trek_session": self.cookie}, timeout=WAIT_S
        )

    def cli(self, *args: str) -> str:
        """`trek ARGS` against the server's data dir; fails loudly with its stderr."""
        done = subprocess.run(
            [self.trek, *args], capture_output=True, text=True, timeout=WAIT_S, stdin=subprocess.DEVNULL
        )
        check(done.returncode == 0, f"trek {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def machine_client(self, name: str, scopes: str) -> dict:
        created = self.api("POST", "/api/oauth/clients", {"name": name, "machine": True, "scopes": scopes})
        equal(created.status_code, 201, f"create machine client ({created.text})")
        client = created.json()
        check(client.get("client_secret", "").startswith("trekcs_"), f"machine client secret: {created.text}")
        return client


@dataclass
class MemoryStorage(TokenStorage):
    """In-memory token storage that also keeps every token set it was given."""

    tokens: OAuthToken | None = None
    client_info: OAuthClientInformationFull | None = None
    history: list[OAuthToken] = field(default_factory=list)

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens
        self.history.append(tokens)

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


class Browser:
    """The user's browser on one authorize URL at a time, with the owner approving through
    `trek consent approve ID [--scopes ...]`: authorize → 303 to the waiting page (with the
    `trek_consent` cookie) → approval → the waiting page's status poll says where to go."""

    def __init__(self, base: str, owner: Owner) -> None:
        self.base, self.owner = base, owner
        self.authorize_urls: list[str] = []
        self.approve_scopes: str | None = None  # None approves what was requested
        self.granted: list[str] = []
        self._result: AuthorizationCodeResult | None = None

    async def redirect(self, authorize_url: str) -> None:
        self.authorize_urls.append(authorize_url)
        check(authorize_url.startswith(f"{self.base}/oauth/authorize?"), f"authorize URL {authorize_url}")
        query = parse_qs(urlparse(authorize_url).query)
        equal(query.get("code_challenge_method"), ["S256"], "PKCE method the SDK sent")
        equal(query.get("resource"), [f"{self.base}/mcp"], "resource indicator the SDK sent")
        async with httpx2.AsyncClient(timeout=WAIT_S, follow_redirects=False) as http:
            authorize = await http.get(authorize_url)
            equal(authorize.status_code, 303, f"authorize status ({authorize.text[:300]})")
            wait = authorize.headers.get("location", "")
            check(wait.startswith("/oauth/consent/wait?id="), f"authorize should lead to the waiting page: {wait}")
            consent = authorize.cookies.get("trek_consent")
            check(consent, "authorize set no trek_consent cookie")
            request_id = parse_qs(urlparse(wait).query)["id"][0]
            page = await http.get(urljoin(self.base, wait), cookies={"trek_consent": consent})
            equal(page.status_code, 200, "waiting page status")

            args = ["consent", "approve", request_id]
            if self.approve_scopes:
                args += ["--scopes", self.approve_scopes]
            approved = await asyncio.to_thread(self.owner.cli, *args)
            self.granted.append(approved.strip())

            deadline = time.monotonic() + WAIT_S
            while True:
                status = await http.get(
                    f"{self.base}/oauth/consent/status", params={"id": request_id}, cookies={"trek_consent": consent}
                )
                equal(status.status_code, 200, f"consent status ({status.text})")
                state = status.json()
                if state.get("status") != "pending" or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
        equal(state.get("status"), "redirect", f"consent status after approval ({state})")
        location = urlparse(state["location"])
        check(state["location"].startswith(f"{REDIRECT_URI}?"), f"redirect location {state['location']}")
        params = parse_qs(location.query)
        equal(params.get("iss"), [self.base], "iss in the redirect")
        self._result = AuthorizationCodeResult(
            code=params["code"][0], state=params.get("state", [None])[0], iss=params["iss"][0]
        )

    async def callback(self) -> AuthorizationCodeResult:
        check(self._result, "the browser brought back no code")
        result, self._result = self._result, None
        return result


def oauth_provider(base: str, browser: Browser, name: str, scope: str | None = None) -> tuple[OAuthClientProvider, MemoryStorage]:
    """The SDK's OAuthClientProvider: discovery, dynamic registration, PKCE, refresh."""
    storage = MemoryStorage()
    metadata = OAuthClientMetadata(
        client_name=name,
        redirect_uris=[REDIRECT_URI],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
        scope=scope,
    )
    provider = OAuthClientProvider(
        server_url=f"{base}/mcp",
        client_metadata=metadata,
        storage=storage,
        redirect_handler=browser.redirect,
        callback_handler=browser.callback,
    )
    return provider, storage


def tool_json(result) -> dict:
    """The JSON a tool result carries: structuredContent, else the first text content parsed."""
    check(not result.is_error, f"tool returned isError: {result.content}")
    if result.structured_content is not None:
        return result.structured_content
    texts = [c.text for c in result.content if getattr(c, "type", None) == "text"]
    check(texts, f"tool result without content: {result}")
    return json.loads(texts[0])
