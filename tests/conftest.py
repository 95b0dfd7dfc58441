"""Shared fixtures, after the Flask tutorial: `app` and `client`."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app

ROOT = Path(__file__).resolve().parent.parent
REGIMENS = ROOT / "regimens.toml"


@pytest.fixture(scope="session")
def app():
    return create_app({"TESTING": True, "REGIMENS": str(REGIMENS)})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def book(app):
    return app.extensions["regimens"]


@pytest.fixture(scope="session")
def live_server(app):
    """The real app on a loopback port, for the browser tests."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless; the network flags keep it from calling
    Google's hosts, which a closed bedside network refuses."""
    import shutil

    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def artifacts():
    """Screenshots and PDFs for a person to look at (ignored by git)."""
    path = ROOT / "tests" / "artifacts"
    path.mkdir(exist_ok=True)
    return path
