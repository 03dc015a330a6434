"""The self-contained API reference page at /api/v1/docs."""
import re


def test_docs_page_lists_every_path_and_method_without_a_token(app, client):
    spec = client.get('/api/v1/openapi.json').json
    resp = client.get('/api/v1/docs')
    assert resp.status_code == 200 and resp.mimetype == 'text/html'
    page = resp.get_data(as_text=True)
    for path, item in spec['paths'].items():
        for method, op in item.items():
            if method == 'parameters':
                continue
            assert f'id="{method}-{path}"' in page, (method, path)
            if op.get('summary'):
                assert op['summary'].replace("'", '&#39;') in page
    for name in spec['components']['schemas']:
        assert f'id="schema-{name}"' in page
    assert 'href="#schema-ContactIn"' in page  # request bodies link to their schemas


def test_docs_page_needs_nothing_from_the_internet(client):
    page = client.get('/api/v1/docs').get_data(as_text=True)
    assert not re.search(r'<(script|link)\b', page)
    assert not re.search(r'(src|href)="(https?:)?//', page)
