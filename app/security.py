"""Response headers that every page and API answer carries, and request limits.

Nothing is loaded from another host and no script runs inline; answers are
never stored by a cache (a stale sheet is a hazard), except static files
asked for under their current version (`assets.py`), and no cookie is set.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request

from . import assets

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def install(app: Flask) -> None:
    """Add the headers to every response, answer OPTIONS with 204 and its
    Allow header, and refuse over-long query strings."""

    @app.before_request
    def refuse_long_query() -> None:
        if len(request.query_string) > app.config["MAX_QUERY_LENGTH"]:
            abort(414)

    @app.after_request
    def add_headers(response: Response) -> Response:
        if request.method == "OPTIONS" and response.status_code == 200 and "Allow" in response.headers:
            # Flask's automatic answer is an empty 200 text/html; nothing is the content.
            response.status_code = 204
            response.set_data(b"")
            del response.headers["Content-Type"]
        response.headers.update(HEADERS)
        if assets.is_current_version(request):
            response.headers["Cache-Control"] = assets.CACHE_CONTROL
        return response
