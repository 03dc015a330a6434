"""N_: mark an English sentence for the translators without translating it here.

Services and rules return English (the API's language); a web page shows the sentence through
gettext (the `translate` template filter), so `flask --app server translations update` must
find it: Babel extracts every N_('...') call (server/i18n.py KEYWORDS). No Flask import here,
so any layer may use it.
"""


def N_(message):  # gettext's conventional name for the no-op marker
    """Return ``message`` unchanged."""
    return message


class Sentence(str):
    """An English sentence with values in it that a web page can still say in its own language.

    The string itself is the English, formatted (what the API answers); ``template`` (marked
    with N_ where it is written, so Babel extracts it) and ``values`` let the web layer run it
    through gettext instead (server.web.forms.translated)."""

    def __new__(cls, template, **values):
        sentence = super().__new__(cls, template % values)
        sentence.template, sentence.values = template, values
        return sentence
