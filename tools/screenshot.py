"""Screenshot an Odoo page as a logged-in user (headless Chromium over CDP).

    .local/venv/bin/python tools/screenshot.py URL OUT.png
        [--login admin --password admin --db amazon_demo --width 1400 --wait 4]
Used for the README screenshot and to look at the German UI.
"""

import argparse
import base64
import json
import subprocess
import tempfile
import time
from urllib.parse import urlparse

import requests
import websocket


def login(base, db, user, password):
    session = requests.Session()
    response = session.post(
        f"{base}/web/session/authenticate",
        json={"params": {"db": db, "login": user, "password": password}},
        timeout=30,
    )
    response.raise_for_status()
    return session.cookies.get("session_id")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--db", default="amazon_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--wait", type=float, default=4)
    args = parser.parse_args()
    parsed = urlparse(args.url)
    base = f"{parsed.scheme}://{parsed.netloc}"
    sid = login(base, args.db, args.login, args.password)
    profile = tempfile.mkdtemp()
    proc = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=9333",
            f"--window-size={args.width},{args.height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                tabs = requests.get("http://127.0.0.1:9333/json", timeout=2).json()
                page = next(t for t in tabs if t["type"] == "page")
                break
            except Exception:  # noqa: BLE001 - browser still starting
                time.sleep(0.2)
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        counter = iter(range(1, 1000))

        def call(method, **params):
            msg_id = next(counter)
            ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == msg_id:
                    return msg.get("result", {})

        call("Network.enable")
        call(
            "Network.setCookie",
            name="session_id",
            value=sid,
            domain=parsed.hostname,
            path="/",
        )
        call(
            "Emulation.setDeviceMetricsOverride",
            width=args.width,
            height=args.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        call("Page.navigate", url=args.url)
        time.sleep(args.wait)
        shot = call("Page.captureScreenshot", format="png")
        with open(args.out, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
