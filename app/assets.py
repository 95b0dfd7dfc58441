"""Static files (stylesheet, icon) under versioned URLs that browsers may keep.

Each file is asked for as `/static/<name>?v=<first 12 hex digits of the
SHA-256 of its content>`, computed once at start-up, so a changed file gets
a new URL. An answer to a URL with the current version may be kept for a
year (`CACHE_CONTROL`); anything else, pages above all, stays `no-store`
(`security.py`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Request, current_app, request, url_for

#: For a static file asked for under its current version.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _versions(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path in sorted(folder.rglob("*")) if path.is_file()}


def install(app: Flask) -> None:
    """Hash the static files and give templates `asset_url(name)`."""
    versions = _versions(Path(app.static_folder or ""))
    app.extensions["asset_versions"] = versions

    # Browsers that ignore the page's icon link ask for /favicon.ico.
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.svg"))

    urls: dict[tuple[str, str], str] = {}

    @app.template_global()
    def asset_url(filename: str) -> str:
        """The versioned URL of static file `filename` (built once for the
        app's mount point: every page asks for it)."""
        key = (request.script_root, filename)
        if key not in urls:
            urls[key] = url_for("static", filename=filename, v=versions[filename])
        return urls[key]


def is_current_version(request: Request) -> bool:
    """True for a request of a static file under its current version."""
    if request.endpoint != "static" or not request.view_args:
        return False
    versions = current_app.extensions["asset_versions"]
    return request.args.get("v") == versions.get(request.view_args.get("filename", ""))
