"""A calendar event's description as plain text (issue 10 §3): never HTML from the calendar.

Google and Outlook hand descriptions over as HTML more often than not (Outlook's body is an
HTML document). The panel shows the text and makes its web addresses clickable itself; this
turns markup into that text: line breaks where blocks and <br> were, a link's address kept
after its words, entities decoded, scripts, styles and comments dropped. Text without markup
is returned as it is.
"""
import html.parser
import re

_TAG = re.compile(r'<\s*/?\s*[A-Za-z][^>]*>|<!--')
_BLOCKS = frozenset({'address', 'article', 'blockquote', 'dd', 'div', 'dl', 'dt', 'footer',
                     'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'ol', 'p', 'pre',
                     'section', 'table', 'tr', 'ul'})
_HIDDEN = frozenset({'script', 'style', 'head', 'title', 'template'})
_BLANK_LINES = re.compile(r'\n[ \t]*\n(?:[ \t]*\n)+')
_SPACES = re.compile(r'[ \t\r\f\v\u00a0]+')


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden, self.links = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == 'br' or tag in _BLOCKS:
            self.parts.append('\n')
        if tag == 'a':
            href = dict(attrs).get('href') or ''
            self.links.append((href, len(self.parts)))
        if tag == 'li':
            self.parts.append('• ')

    def handle_startendtag(self, tag, attrs):
        if tag == 'br' or tag in _BLOCKS:
            self.parts.append('\n')

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS and tag != 'li':  # the next item starts a line of its own
            self.parts.append('\n')
        elif tag == 'a' and self.links:
            href, at = self.links.pop()
            words = ''.join(self.parts[at:]).strip()
            # Only web and mail addresses are kept: the panel links those, and nothing else.
            if re.match(r'(?i)(https?://|mailto:)', href) and href.strip() not in (words, ''):
                self.parts.append(f' ({href.strip()})')

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def from_calendar(text):
    """``text`` (a description a calendar sent, maybe HTML) as plain text."""
    if not text or not _TAG.search(text):
        return text or ''
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = [_SPACES.sub(' ', line).strip() for line in ''.join(parser.parts).split('\n')]
    return _BLANK_LINES.sub('\n\n', '\n'.join(lines)).strip()
