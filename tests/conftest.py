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
