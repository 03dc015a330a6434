"""N_: mark an English sentence for the translators without translating it here.

Services and rules return English (the API's language); a web page shows the sentence through
gettext (the `translate` template filter), so `flask --app server translations update` must
find it: Babel extracts every N_('...') call (server/i18n.py KEYWORDS). No Flask import here,
so any layer may use it.
"""


def N_(message):  # gettext's conventional name for the no-op marker
    """Return ``message`` unchanged."""
    return message
