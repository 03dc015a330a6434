"""Two languages on the web pages and in e-mails (issue 13 §3): Flask-Babel, its catalogues, its CLI.

The catalogues live in server/translations/<locale>/LC_MESSAGES/messages.po (in the repo);
their compiled .mo files are made here at start-up whenever one is missing or older than its
.po, so neither ./run nor a deploy needs a manual step. `flask --app server translations update`
re-extracts every marked string (babel.cfg) and merges it into both .po files;
`... translations check` says what is missing or fuzzy.
"""
import contextlib
import logging
import os
import tempfile
from pathlib import Path

import click
import pytz
from babel import support
from flask import g, request
from flask.cli import AppGroup
from flask_babel import Babel, Domain, get_locale
from werkzeug.utils import cached_property

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / 'translations'
BABEL_CFG = ROOT / 'babel.cfg'
DOMAIN = 'messages'
# Babel's locale names; User.language stores the BCP 47 tags the extension uses ('zh-TW').
LOCALES = ('en', 'zh_TW')
DEFAULT_LOCALE = 'en'
# The functions whose first argument is a message: Babel's defaults plus the lazy one and N_,
# the no-op marker for English strings that a lower layer returns and a page translates.
KEYWORDS = {'_': None, 'gettext': None, 'ngettext': (1, 2), 'lazy_gettext': None,
            'lazy_ngettext': (1, 2), 'pgettext': ((1, 'c'), 2), 'N_': None}



def catalogue_name(locale):
    """A Babel Locale's catalogue directory: 'zh_TW' for zh_Hant_TW (Babel adds the script)."""
    return f'{locale.language}_{locale.territory}' if locale.territory else locale.language


class CatalogueDomain(Domain):
    """Flask-Babel's domain, finding zh_Hant_TW's strings in translations/zh_TW."""

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        name = catalogue_name(locale)
        if name not in self.cache:
            translations = support.Translations()
            for dirname in self.translation_directories:
                catalogue = support.Translations.load(dirname, [name], self.domain[0])
                translations.merge(catalogue)
                if hasattr(catalogue, 'plural'):  # merge() leaves the plural rule behind
                    translations.plural = catalogue.plural
            self.cache[name] = translations
        return self.cache[name]


class MeetsideBabel(Babel):
    @cached_property
    def domain_instance(self):
        return CatalogueDomain(domain=self.domain)


babel = MeetsideBabel()


def N_(message):
    """Mark an English string for extraction without translating it (translated where shown)."""
    return message


def babel_locale(language):
    """'zh-TW' (User.language) -> 'zh_TW'; anything unknown -> None."""
    name = (language or '').replace('-', '_')
    return name if name in LOCALES else None


def from_accept_language(header_values):
    """The best of our locales for an Accept-Language list of (tag, quality), else None.

    Any Chinese tag reads Traditional Chinese (our only Chinese), any English tag English.
    """
    for tag, quality in sorted(header_values, key=lambda pair: -pair[1]):
        tag = tag.lower().replace('_', '-')
        if quality <= 0:
            continue
        if tag == 'en' or tag.startswith('en-'):
            return 'en'
        if tag == 'zh' or tag.startswith('zh-'):
            return 'zh_TW'
    return None


def select_locale():
    """The signed-in user's profile language, else the browser's best match, else English."""
    user = g.get('web_user') or g.get('user')
    chosen = babel_locale(getattr(user, 'language', None)) if user is not None else None
    if chosen is None and request:
        chosen = from_accept_language(list(request.accept_languages))
    return chosen or DEFAULT_LOCALE


def select_timezone():
    """The signed-in user's time zone (B5), UTC when unset or unknown."""
    return zone_of(g.get('web_user') or g.get('user'))


def zone_of(user):
    """The pytz zone of ``user`` (User.time_zone), UTC when unset or unknown."""
    try:
        return pytz.timezone(getattr(user, 'time_zone', None) or 'UTC')
    except pytz.UnknownTimeZoneError:
        return pytz.UTC


@contextlib.contextmanager
def speaking_to(user):
    """Translate and format for ``user`` (their language and zone), e.g. for an e-mail.

    Works in a request and in a background job's app context alike:

        with i18n.speaking_to(invitee):
            subject = gettext('You are invited to %(account)s', account=name)
            body = render_template('mail/invite.txt', ...)
    """
    from flask_babel import _get_current_context, force_locale
    ctx = _get_current_context()
    saved = getattr(ctx, 'babel_tzinfo', None)
    with force_locale(babel_locale(getattr(user, 'language', None)) or DEFAULT_LOCALE):
        if ctx is not None:
            ctx.babel_tzinfo = zone_of(user)
        try:
            yield
        finally:
            if ctx is not None:
                ctx.babel_tzinfo = saved


def compile_catalogues(directory=TRANSLATIONS, target=None):
    """Compile every .po whose .mo is missing or older; return the locales compiled.

    The .mo files go beside their .po, or under ``target`` (same layout) when given. Each is
    written to a temporary file and renamed over the old one, so gunicorn workers starting
    together never read half a file. An unwritable place raises OSError.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    compiled = []
    for po_path in sorted(Path(directory).glob(f'*/LC_MESSAGES/{DOMAIN}.po')):
        locale = po_path.parent.parent.name
        mo_path = (Path(target) / locale / 'LC_MESSAGES' / f'{DOMAIN}.mo' if target
                   else po_path.with_suffix('.mo'))
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open('rb') as po_file:
            catalog = read_po(po_file, locale=locale)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix='.mo.tmp')
        try:
            with os.fdopen(fd, 'wb') as mo_file:
                write_mo(mo_file, catalog)
            os.replace(tmp, mo_path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        compiled.append(locale)
    return compiled


def compiled_directory(app, directory=TRANSLATIONS):
    """Compile the catalogues if needed; return the directory holding the .mo files.

    Beside the .po files (the repository's server/translations) when that is writable; else,
    for an install whose code the server's user cannot write (a container, a package), under
    the instance folder, which it always can.
    """
    try:
        compile_catalogues(directory)
        return Path(directory)
    except OSError as error:
        fallback = Path(app.instance_path) / 'translations'
        log.info('Catalogues compiled into %s (%s is not writable: %s)', fallback,
                 directory, error)
        compile_catalogues(directory, fallback)
        return fallback


def init_app(app):
    app.config.setdefault('BABEL_DEFAULT_LOCALE', DEFAULT_LOCALE)
    app.config.setdefault('BABEL_TRANSLATION_DIRECTORIES', str(compiled_directory(app)))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # {% trans %} blocks collapse their whitespace, as `trimmed = true` in babel.cfg extracts them.
    app.jinja_env.policies['ext.i18n.trimmed'] = True
    app.jinja_env.globals.update(html_lang=html_lang)
    app.cli.add_command(translations_cli)


def html_lang():
    """The page's <html lang>: 'en' or 'zh-TW'."""
    locale = get_locale()
    return catalogue_name(locale).replace('_', '-') if locale else DEFAULT_LOCALE


# --- the catalogue tooling: extract, update, compile, check ------------------------------------

def extract():
    """Every marked string of server/**.py and the templates, as a Babel Catalog (the .pot)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    with BABEL_CFG.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project='Meetside', charset='utf-8', fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=('TRANSLATORS:',),
            strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(template=None, directory=TRANSLATIONS):
    """Merge the extracted strings into every locale's .po (new ones empty, gone ones dropped)."""
    import copy

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po
    template = template or extract()
    for locale in LOCALES:
        po_path = Path(directory) / locale / 'LC_MESSAGES' / f'{DOMAIN}.po'
        if po_path.exists():
            with po_path.open('rb') as po_file:
                catalog = read_po(po_file, locale=locale)
        else:
            po_path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=locale, project='Meetside', fuzzy=False)
        created = catalog.creation_date
        # No fuzzy guesses: a new string is plainly untranslated, which `check` reports.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.creation_date = created  # an update with nothing new leaves the file as it was
        catalog.revision_date = created
        catalog.header_comment = (
            f'# The Meetside web pages and e-mails in {catalog.locale.english_name}.\n'
            '# Refreshed by `flask --app server translations update` (server/i18n.py): translate\n'
            '# each empty msgstr, then run `flask --app server translations check`.')
        catalog.version, catalog.msgid_bugs_address = '1', ''
        catalog.last_translator = catalog.language_team = 'Meetside'
        catalog.obsolete.clear()
        if locale == DEFAULT_LOCALE:  # the English catalogue says every string as written
            for message in catalog:
                if message.id and not (all(message.string) if message.pluralizable
                                       else message.string):
                    message.string = message.id
        with po_path.open('wb') as po_file:
            write_po(po_file, catalog, width=100, omit_header=False, sort_output=False,
                     include_previous=False)
    return template


def problems(template=None, directory=TRANSLATIONS):
    """{locale: [problem, ...]}: strings missing from, untranslated, fuzzy or stale in each .po."""
    from babel.messages.pofile import read_po
    template = template or extract()
    wanted = {message.id for message in template if message.id}
    found = {}
    for locale in LOCALES:
        po_path = Path(directory) / locale / 'LC_MESSAGES' / f'{DOMAIN}.po'
        listed = []
        if not po_path.exists():
            found[locale] = [f'{po_path} is missing']
            continue
        with po_path.open('rb') as po_file:
            catalog = read_po(po_file, locale=locale)
        have = {message.id: message for message in catalog if message.id}
        for msgid in sorted(wanted - set(have), key=str):
            listed.append(f'missing: {msgid!r}')
        for msgid, message in have.items():
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if msgid not in wanted:
                listed.append(f'no longer used: {msgid!r}')
            elif message.fuzzy:
                listed.append(f'fuzzy: {msgid!r}')
            elif not all(strings):
                listed.append(f'untranslated: {msgid!r}')
        found[locale] = listed
    return found


translations_cli = AppGroup('translations', help='The web pages\' catalogues (en, zh_TW).')


@translations_cli.command('update')
def update_command():
    """Extract every marked string and merge it into server/translations/*/messages.po."""
    template = update()
    click.echo(f'{len([m for m in template if m.id])} strings in the catalogues.')
    for locale, listed in problems(template).items():
        if listed:
            click.echo(f'{locale}: {len(listed)} to translate in '
                       f'server/translations/{locale}/LC_MESSAGES/{DOMAIN}.po (empty msgstr); '
                       f'then run `flask --app server translations check`.')


@translations_cli.command('compile')
def compile_command():
    """Compile the .po files that changed (the app also does this when it starts)."""
    click.echo(', '.join(compile_catalogues()) or 'Nothing to compile.')


@translations_cli.command('check')
def check_command():
    """Fail when a catalogue misses a string, leaves one untranslated or fuzzy."""
    found = problems()
    for locale, listed in found.items():
        for line in listed:
            click.echo(f'{locale}: {line}')
    if any(found.values()):
        raise click.ClickException('The catalogues are not complete.')
    click.echo('Both catalogues are complete.')
