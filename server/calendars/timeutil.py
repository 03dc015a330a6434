"""Date-time helpers shared by the provider parsers: everything becomes naive UTC."""
import datetime


def to_naive_utc(value):
    """Aware -> naive UTC; naive values are taken to be UTC already."""
    if value is not None and value.tzinfo is not None:
        if value.utcoffset():
            value = value.astimezone(datetime.timezone.utc)
        value = value.replace(tzinfo=None)
    return value


def parse_iso(text):
    """Parse an ISO 8601 / RFC 3339 timestamp (Z, offsets, 7-digit fractions) to naive UTC."""
    if not text:
        return None
    try:
        if text[-1] == 'Z':  # the common case: UTC already, no offset arithmetic needed
            return datetime.datetime.fromisoformat(text[:-1])
        return to_naive_utc(datetime.datetime.fromisoformat(text))  # Python 3.11+ formats
    except ValueError:
        pass
    text = text.strip().replace('Z', '+00:00').replace('z', '+00:00')
    head, dot, tail = text.partition('.')
    if dot:
        # Graph sends 7 fractional digits; older Pythons accept at most 6.
        digits = ''.join(c for c in tail if c.isdigit())
        zone = tail[len(digits):]
        text = f'{head}.{digits[:6].ljust(6, "0")}{zone}'
    return to_naive_utc(datetime.datetime.fromisoformat(text))


def rfc3339(value):
    """A naive-UTC datetime as RFC 3339 with a Z."""
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')
