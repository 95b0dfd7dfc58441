"""HTTP errors as answers a person can act on: JSON under /api, a page
elsewhere, each with the headers its status needs (Allow on a 405). Never a
bare 500 page with a stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .json_response import json_response


def install(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            errors = [{"field": "(request)", "message": error.description}]
            response = json_response({"errors": errors}, error.code or 500)
        else:
            response = app.make_response((render_template("error.html", error=error), error.code))
        # The exception's own headers, e.g. Allow on a 405, minus its Content-Type.
        response.headers.extend((k, v) for k, v in error.get_headers() if k.lower() != "content-type")
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error")
        return http_error(InternalServerError())
