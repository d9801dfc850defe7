#!/usr/bin/env python3
"""A stand-in for `cloudflared` in tests (cloudflared itself cannot be installed here).

It accepts the two command lines Trek runs:
    cloudflared tunnel --no-autoupdate --url http://127.0.0.1:PORT          (quick tunnel)
    cloudflared tunnel --no-autoupdate run --url http://127.0.0.1:PORT      (named; TUNNEL_TOKEN set)
prints cloudflared's log lines on stderr in its format (a quick tunnel's box with an
https://<words>.trycloudflare.com URL, "Registered tunnel connection"), and relays every TCP
connection on its own 127.0.0.1 listener to the target byte for byte, so the Host header the
client sent reaches Trek unchanged, as cloudflared forwards it. The relay's address is logged
as "Starting metrics server on ..."-style line "stand-in relay listening on 127.0.0.1:N" so
tests can reach the public host through it (*.trycloudflare.com does not resolve here).

Standard library only: no install step, and no compile on the shared build machine.
Test knobs (environment): STANDIN_RELAY_PORT=N fixes the relay's port; STANDIN_FAIL=1 prints cloudflared's quick-tunnel request failure
and exits 1; STANDIN_EXIT_AFTER=S exits with status 1 after S seconds.
Control while running: SIGUSR1 makes it stop relaying while the process stays alive, as when
cloudflared loses its edge connection: open connections are cut and new ones get Cloudflare's
answer for a tunnel that is not connected (HTTP 530, "error code: 1033").
"""
import os
import random
import signal
import socket
import sys
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlparse

WORDS = ["river", "maple", "orbit", "canyon", "lantern", "harbor", "meadow", "summit",
         "violet", "copper", "tundra", "pixel", "ember", "glacier", "willow", "atlas"]

# Cleared by SIGUSR1: the relay then answers as Cloudflare's edge does for a disconnected tunnel.
RELAYING = threading.Event()
RELAYING.set()
OPEN = set()
OPEN_LOCK = threading.Lock()
NOT_CONNECTED = (b"HTTP/1.1 530 \r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 16\r\n"
                 b"Connection: close\r\n\r\nerror code: 1033")


def log(level, message):
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    sys.stderr.write(f"{stamp} {level} {message}\n")
    sys.stderr.flush()


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with OPEN_LOCK:
            OPEN.discard(src)
            OPEN.discard(dst)
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def relay(listener, target):
    while True:
        client, _ = listener.accept()
        if not RELAYING.is_set():
            try:
                # Read the request head first: closing on unread data would reset the connection.
                client.settimeout(2)
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = client.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                client.sendall(NOT_CONNECTED)
            except OSError:
                pass
            client.close()
            continue
        try:
            upstream = socket.create_connection(target)
        except OSError as e:
            log("ERR", f"Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: {e}")
            client.close()
            continue
        with OPEN_LOCK:
            OPEN.update((client, upstream))
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


def stop_relaying(*_):
    RELAYING.clear()
    log("ERR", "Connection terminated error=\"no more connections active and exiting\" connIndex=0")
    with OPEN_LOCK:
        cut = list(OPEN)
    for s in cut:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main(argv):
    # Before anything is relayed: a test may signal as soon as the tunnel is up.
    signal.signal(signal.SIGUSR1, stop_relaying)
    if len(argv) < 1 or argv[0] != "tunnel":
        log("ERR", f"unknown command {argv!r}; the stand-in knows only `tunnel`")
        return 2
    args = argv[1:]
    url = None
    if "--url" in args:
        url = args[args.index("--url") + 1]
    named = "run" in args
    if named and not os.environ.get("TUNNEL_TOKEN"):
        log("ERR", '"cloudflared tunnel run" requires the ID or name of the tunnel to run as the last command line argument or in the configuration file.')
        return 1
    if url is None:
        log("ERR", "no --url given")
        return 1
    target = urlparse(url)
    log("INF", "Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee." if not named else "Starting tunnel tunnelID=5c3e0f2a-0000-4000-8000-000000000000")
    if not named:
        log("INF", "Requesting new quick Tunnel on trycloudflare.com...")
        if os.environ.get("STANDIN_FAIL") == "1":
            log("ERR", 'failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host')
            return 1
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(os.environ.get("STANDIN_RELAY_PORT", "0"))))
    listener.listen(64)
    threading.Thread(target=relay, args=(listener, (target.hostname, target.port or 80)), daemon=True).start()
    if not named:
        host = "-".join(random.sample(WORDS, 4)) + ".trycloudflare.com"
        line = f"https://{host}"
        width = 92
        log("INF", "+" + "-" * width + "+")
        log("INF", "|" + "  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):".ljust(width) + "|")
        log("INF", "|" + f"  {line}".ljust(width) + "|")
        log("INF", "+" + "-" * width + "+")
    log("INF", "Version 2025.1.0 (stand-in)")
    log("INF", f"Settings: map[ha-connections:1 no-autoupdate:true url:{url}]")
    log("INF", f"stand-in relay listening on 127.0.0.1:{listener.getsockname()[1]}")
    log("INF", "Registered tunnel connection connIndex=0 connection=0b7c7e1a-0000-4000-8000-000000000000 event=0 ip=198.41.192.7 location=ams01 protocol=quic")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    exit_after = os.environ.get("STANDIN_EXIT_AFTER")
    deadline = time.monotonic() + float(exit_after) if exit_after else None
    while not stop.is_set():
        if deadline is not None and time.monotonic() >= deadline:
            log("ERR", "Serve tunnel error error=\"connection with edge closed\"")
            return 1
        stop.wait(0.05)
    log("INF", "Initiating graceful shutdown due to signal terminated ...")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
