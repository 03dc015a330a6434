"""Security headers on every response; the Content-Security-Policy on every page outside the API.

A few lines rather than flask-talisman: the app needs five fixed headers and no per-view
configuration, and Talisman would also redirect http to https (a reverse proxy's job here).
"""

# No inline script or style, nothing from other origins, and never inside a frame: the
# /extension/authorize Allow button must not be clickjacked into handing out an API token.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                           "frame-ancestors 'none'")
HSTS = 'max-age=31536000'  # a year; no includeSubDomains: other hosts of the domain are not ours


def _api_path(path):
    # The API answers JSON to the extension; its docs page (/api/v1/docs) loads flask-smorest's
    # documentation UI, which the page policy would break.
    return path.startswith('/api/')


def add_headers(response, https, path):
    """Set the headers on ``response`` (headers a view already chose win)."""
    headers = response.headers
    headers.setdefault('X-Content-Type-Options', 'nosniff')
    # Our URLs (record ids, search terms) never reach other sites; our own pages still see them.
    headers.setdefault('Referrer-Policy', 'same-origin')
    if https:
        headers.setdefault('Strict-Transport-Security', HSTS)
    if not _api_path(path):
        headers.setdefault('Content-Security-Policy', CONTENT_SECURITY_POLICY)
        headers.setdefault('X-Frame-Options', 'DENY')  # frame-ancestors for older browsers
    return response


def init_app(app):
    from flask import request
    https = app.config['PUBLIC_URL'].lower().startswith('https://')
    app.after_request(lambda response: add_headers(response, https, request.path))
