"""Pure rules for CSV files (issue 13 §2): reading what the common CRMs and spreadsheets
export, refusing what is not such a file, and writing cells no spreadsheet runs as formulas."""
import csv
import io
import re

from server.translatable import N_, Sentence

MAX_COLUMNS = 100
MAX_ROWS = 100_000
MAX_CELL = 100_000  # characters; csv's own limit (131,072) would otherwise be the error
PREVIEW_ROWS = 5
DELIMITERS = (',', ';')
# What a spreadsheet runs as a formula (and DDE: "=cmd|' /C calc'!A0"): cells starting with
# = + - @, also after a tab or carriage return some spreadsheets skip.
_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')
# ... but a phone number or an amount may start with + or -: those are no formulas.
_NUMBERISH = re.compile(r'[+-][\d\s().,/-]*\d[\d\s().,/-]*\Z')


class FileRefused(ValueError):
    """The whole file cannot be imported; the message says why, for the person uploading."""


def decode(raw):
    """The file's text: UTF-8, with or without a byte-order mark. Binary files are refused."""
    if not raw or not raw.strip():
        raise FileRefused(N_('The file is empty.'))
    if b'\x00' in raw[:65536] or raw.startswith((b'PK\x03\x04', b'\xd0\xcf\x11\xe0', b'%PDF')):
        raise FileRefused(N_('This is not a CSV file (it looks like a binary file, such as an '
                             'Excel workbook): save it as "CSV UTF-8" and upload that.'))
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        raise FileRefused(Sentence(N_('The file is not UTF-8 text (byte %(byte)s cannot be '
                                      'read): save it as "CSV UTF-8" and upload that.'),
                                   byte=error.start + 1)) from None
    if '\x00' in text:
        raise FileRefused(N_('The file contains NUL characters: it is not a text CSV file.'))
    return text


def sniff_delimiter(text):
    """',' or ';': whichever separates more cells of the first line (outside quotes)."""
    first = _first_record(text)
    counts = {d: 0 for d in DELIMITERS}
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ';' if counts[';'] > counts[','] else ','


def _first_record(text):
    end, quoted = 0, False
    for end, ch in enumerate(text[:1_000_000]):
        if ch == '"':
            quoted = not quoted
        elif ch in '\r\n' and not quoted:
            return text[:end]
    return text[:end + 1]


def reader(text, delimiter):
    """Every record of the file as a list of cells (the header first)."""
    return csv.reader(io.StringIO(text, newline=''), delimiter=delimiter, quotechar='"',
                      doublequote=True, skipinitialspace=False, strict=False)


def check_file(text, delimiter):
    """(header, number of data rows) of a file that can be imported, else FileRefused."""
    rows = reader(text, delimiter)
    try:
        header = next(rows, None)
        if not header or not any(cell.strip() for cell in header):
            raise FileRefused(N_('The first line must name the columns (e.g. "Email,First name").'))
        if len(header) > MAX_COLUMNS:
            raise FileRefused(Sentence(N_('The file has %(columns)s columns; at most '
                                          '%(limit)s can be imported.'),
                                       columns=f'{len(header):,}', limit=MAX_COLUMNS))
        count = 0
        for count, _ in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise FileRefused(Sentence(N_('The file has more than %(length)s rows: split it.'),
                                           length=f'{MAX_ROWS:,}'))
    except csv.Error as error:
        # csv's own limit on a cell (131,072 characters), or a malformed quote.
        raise FileRefused(f'The file cannot be read as CSV near line {rows.line_num}: '
                          f'{error}.') from None
    return [cell.strip() for cell in header], count


def preview(text, delimiter, rows=PREVIEW_ROWS):
    """The header and the first data rows, for the column mapping page."""
    found = []
    for index, record in enumerate(reader(text, delimiter)):
        if index > rows:
            break
        found.append(record)
    return found[0], found[1:]


def looks_like_formula(value):
    """True if a spreadsheet would run ``value`` as a formula (a phone like +1 555 is not)."""
    return bool(value) and value.startswith(_FORMULA_START) and not _NUMBERISH.match(value)


def escape_cell(value):
    """A cell for an exported CSV that no spreadsheet runs: =, +, -, @ (and tab, CR) at the
    start get a leading apostrophe (OWASP's advice for CSV injection)."""
    if value is None:
        return ''
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


_WORDS = re.compile(r'[^a-z]+')

# Header names the common exports use (HubSpot, Salesforce, Pipedrive, Google, Outlook).
HEADER_NAMES = {
    'email': ('email', 'e mail', 'email address', 'e mail address', 'primary email',
              'work email', 'email 1 value'),
    'first_name': ('first name', 'firstname', 'given name', 'first'),
    'last_name': ('last name', 'lastname', 'surname', 'family name', 'last'),
    'phone': ('phone', 'phone number', 'mobile', 'mobile phone', 'business phone',
              'telephone', 'phone 1 value'),
    'job_title': ('job title', 'title', 'position', 'role'),
    'company': ('company', 'company name', 'organization', 'organisation', 'account name',
                'organization name'),
    'name': ('name', 'company name', 'company', 'account name', 'organization name'),
    'domain': ('domain', 'company domain name', 'website', 'website url', 'domain name', 'url'),
}


def guess_mapping(header, fields):
    """{column index: field} for the header names a field is known by; each field once."""
    mapping, taken = {}, set()
    for index, name in enumerate(header):
        key = _WORDS.sub(' ', name.lower()).strip()
        for field in fields:
            if field not in taken and key in HEADER_NAMES.get(field, ()):
                mapping[index] = field
                taken.add(field)
                break
    return mapping
