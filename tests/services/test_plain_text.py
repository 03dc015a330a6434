"""Issue 10 §3: a calendar's description as plain text, never HTML (server/services/plain_text)."""
from server.services.plain_text import from_calendar


def test_issue10_html_description_becomes_text_with_line_breaks_and_links():
    html = ('<html><head><style>p {color: red}</style><title>x</title></head><body>'
            '<p>Hello&nbsp;team,</p><div>Agenda:<br>one<br/>two</div>'
            '<ul><li>Pricing &amp; terms</li><li>Next steps</li></ul>'
            '<a href="https://docs.example/deck">the deck</a> and '
            '<a href="https://x.example/">https://x.example/</a>'
            '<script>alert(document.cookie)</script><!-- hidden --></body></html>')
    assert from_calendar(html) == ('Hello team,\n\nAgenda:\none\ntwo\n\n• Pricing & terms\n'
                                   '• Next steps\nthe deck (https://docs.example/deck) and '
                                   'https://x.example/')


def test_issue10_only_web_and_mail_links_are_kept_and_markup_never_survives():
    text = from_calendar('<a href="javascript:alert(1)">click</a> <img src=x onerror=alert(1)>'
                         '<b onclick="x()">bold</b> <a href="mailto:a@b.example">mail</a>')
    assert text == 'click bold mail (mailto:a@b.example)'
    assert from_calendar('<p>&lt;b&gt; stays text</p>') == '<b> stays text'


def test_issue10_plain_descriptions_are_left_as_they_are():
    for text in ('', 'Call about 3 < 5 and 7 > 2', 'Line one\n\nLine two  with  spaces',
                 'https://meet.example/abc'):
        assert from_calendar(text) == text
    assert from_calendar(None) == ''
