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

#: Why a query string with raw bytes that are not UTF-8 is refused.
NOT_UTF8 = ("The query string holds bytes that are not UTF-8 text; write each character as UTF-8, "
            "percent-encoded (%C3%A9 for \u00e9).")

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
    Allow header, and refuse query strings that are over-long or are not
    UTF-8 (raw bytes such as 0xFF, which no field can hold and which would
    otherwise fail when the query is read)."""

    @app.before_request
    def refuse_unreadable_query() -> None:
        query = request.query_string
        if len(query) > app.config["MAX_QUERY_LENGTH"]:
            abort(414)
        if not query.isascii():
            try:
                query.decode()
            except UnicodeDecodeError:
                abort(400, NOT_UTF8)

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
