"""Security headers on every response: what a browser may run, load, frame and guess for our pages.

The Content-Security-Policy is the second wall behind escaping: if a value ever reached the page
as HTML, its inline script, event handler or `javascript:` link would still not run, because the
pages run only script files of our own origin (no inline script, no `eval`). Data for scripts
travels in `<script type="application/json">` blocks, which are not executed.

`style-src` allows our own style sheets and, besides, exactly one inline `<style>`: the empty one
json-editor appends to `<head>` and then fills through the CSSOM (`insertRule`, which CSP does not
govern). Its hash is the SHA-256 of the empty string, so no `<style>` with any content and no
`style="..."` attribute is allowed: an injected style cannot restyle "Sign and submit" or read the
page through attribute selectors.

Why not Flask-Talisman: it also takes over HTTPS redirects, HSTS and the session cookie's flags,
which the session settings own; the headers themselves are a few constants.
"""

from __future__ import annotations

from flask import Flask, Response

EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # sha256("") in base64

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {EMPTY_STYLE_HASH}",
    "img-src 'self' data: blob:",  # json-editor's and swagger-ui's icons are data: URIs; downloads are blob:
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_security_headers(app: Flask) -> None:
    """Registers the headers on every response: pages, API, static files and error pages alike."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
