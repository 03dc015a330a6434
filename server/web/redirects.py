"""Where a form may send the browser next: local paths only (no open redirect)."""
from urllib.parse import urlsplit


def safe_next(target, fallback):
    """Return ``target`` if it is a path on this site, else ``fallback``."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return fallback
    # Browsers treat '\' like '/', so '/\evil.com' would leave the site just like '//evil.com'.
    normalised = target.replace('\\', '/')
    if not normalised.startswith('/') or normalised.startswith('//'):
        return fallback
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    parts = urlsplit(normalised)
    if parts.scheme or parts.netloc:
        return fallback
    return target
