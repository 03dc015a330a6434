"""Issue 9 §5: the server serves a favicon, and its pages point at it (the self-contained API
reference links nothing; browsers ask /favicon.ico there by themselves)."""
import re

from tests.web.conftest import Browser, make_user

ICON_LINK = re.compile(r'<link rel="icon" href="/favicon\.ico"')


def test_issue9_favicon_is_served_as_an_icon_with_caching(client):
    import struct
    response = client.get('/favicon.ico')
    data = response.data
    response.close()
    assert response.status_code == 200
    assert response.mimetype == 'image/x-icon'
    reserved, kind, count = struct.unpack('<HHH', data[:6])
    assert (reserved, kind) == (0, 1) and count >= 1  # an ICO with one or more images
    first = struct.unpack('<I', data[18:22])[0]
    assert data[first:first + 8] == b'\x89PNG\r\n\x1a\n'  # a PNG, as the entry says
    assert response.cache_control.max_age >= 3600


def test_issue9_pages_link_the_favicon(client):
    assert ICON_LINK.search(client.get('/sign-in').get_data(as_text=True))
    user = make_user('rita@acme.example', 'Acme')
    assert ICON_LINK.search(Browser(client, user).get('/').get_data(as_text=True))
