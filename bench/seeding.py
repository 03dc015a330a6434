"""Build the benchmark's database: a real seeded workspace, then bulk rows for the scale runs."""
import datetime
import io
import time
from urllib.parse import urlsplit, urlunsplit

from server import create_app
from server.db import db, is_postgres, upgrade
from server.models import Company, Contact, Meeting, MeetingAttendee, User, utcnow
from server.services import meetings, tokens, users

ACCOUNT = 'Bench Co'
DOMAIN = 'bench.example'
USER_EMAIL = 'rep@bench.example'
# The seeded list the API benchmark reads: 20 meetings x 5 attendees, every attendee a contact.
MEETINGS = 20
ATTENDEES = 5
# A month from the day the bench runs, at 09:00 UTC: always ahead, never a literal date.
WINDOW_START = (utcnow() + datetime.timedelta(days=30)).replace(hour=9, minute=0, second=0,
                                                                microsecond=0)
# Bulk meetings belong to these other users of the same account, so the bench user's list stays
# the 20 meetings while the account's tables grow (a large team, not one user with 1M meetings).
OTHER_USERS = 50
BULK_EPOCH = WINDOW_START - datetime.timedelta(days=365)
CHUNK = 20_000


def bulk_email(i):
    return f'person{i}@client{i % 9973}.example'


def prepare_postgres(url):
    """Create the bench database if needed and empty it; only for meetside_bench* databases."""
    import psycopg2
    parts = urlsplit(url)
    name = parts.path.lstrip('/')
    if not name.startswith('meetside_bench'):
        raise SystemExit(f'Refusing to wipe database {name!r}: use a name starting with meetside_bench.')
    admin = psycopg2.connect(urlunsplit(parts._replace(path='/postgres')))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', (name,))
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute('DROP SCHEMA public CASCADE; CREATE SCHEMA public;')
    conn.close()


def seed(url):
    """Migrate a fresh database and seed the bench workspace; return (app, user, token, meeting ids)."""
    if url.startswith(('postgres://', 'postgresql://')):
        prepare_postgres(url)
    app = create_app({'DATABASE_URL': url, 'MEETSIDE_ENV': 'demo'})
    upgrade()
    with db.connection_context():
        user = users.create(USER_EMAIL, ACCOUNT, name='Rita Rep', website_domain=DOMAIN)
        _, token = tokens.issue(user, name='bench')
        for n in range(OTHER_USERS):
            users.create(f'teammate{n}@{DOMAIN}', ACCOUNT, name=f'Teammate {n}')
        companies = [Company.create(account=user.account_id, name=f'Client {n}',
                                    domain=f'client{n}.example') for n in range(ATTENDEES)]
        ids = []
        for m in range(MEETINGS):
            attendees = []
            for a in range(ATTENDEES):
                email = f'buyer{m}-{a}@client{a}.example'
                Contact.create(account=user.account_id, email=email, first_name=f'Buyer{m}',
                               last_name=f'Number{a}', company=companies[a].id,
                               job_title='Head of Purchasing', owner=user.id)
                attendees.append({'email': email, 'display_name': f'Buyer{m} Number{a}'})
            start = WINDOW_START + datetime.timedelta(days=m)
            meeting = meetings.schedule(user, {
                'title': f'Bench meeting {m}', 'start': start,
                'end': start + datetime.timedelta(minutes=30), 'attendees': attendees})
            ids.append(meeting.id)
    return app, user, token, ids


def _row_filler(model, given):
    """Column names and constant values for every non-id column not in ``given``."""
    names, values = [], []
    for field in model._meta.sorted_fields:
        if field.name == 'id' or field.name in given:
            continue
        default = field.default() if callable(field.default) else field.default
        if default is None and not field.null:
            raise RuntimeError(f'{model.__name__}.{field.name} needs a value in the bench seeding.')
        names.append(field.column_name)
        values.append(field.db_value(default) if default is not None else None)
    return names, tuple(values)


def bulk_insert(model, fields, rows):
    """Insert ``rows`` (tuples matching ``fields``) fast: executemany on SQLite, COPY on PostgreSQL."""
    extra_names, extra_values = _row_filler(model, set(fields))
    columns = ['id' if f == 'id' else model._meta.fields[f].column_name for f in fields]
    columns += extra_names
    table = model._meta.table_name
    quoted = ', '.join(f'"{c}"' for c in columns)
    with db.atomic():
        cursor = db.cursor()
        chunk = []
        for row in rows:
            chunk.append(row + extra_values)
            if len(chunk) >= CHUNK:
                _write_chunk(cursor, table, quoted, len(columns), chunk)
                chunk = []
        if chunk:
            _write_chunk(cursor, table, quoted, len(columns), chunk)


def _write_chunk(cursor, table, quoted, width, chunk):
    if is_postgres():
        buffer = io.StringIO()
        for row in chunk:
            buffer.write('\t'.join(_copy_text(v) for v in row))
            buffer.write('\n')
        buffer.seek(0)
        cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buffer)
    else:
        marks = ', '.join('?' * width)
        cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', chunk)


def _copy_text(value):
    if value is None:
        return r'\N'
    if value is True or value is False:
        return 't' if value else 'f'
    return str(value)


def _next_id(model):
    return (model.select(model.id).order_by(model.id.desc()).scalar() or 0) + 1


def grow(account_id, contacts_to, meetings_to, done):
    """Add bulk contacts and meetings (one attendee each) until there are ``*_to`` bulk rows.

    ``done`` is (contacts, meetings) already added by an earlier call; returns the new counts and
    the seconds it took. Bulk row i gets id ``base + i``, so attendees can point at contacts.
    """
    started = time.perf_counter()
    contacts_done, meetings_done = done
    with db.connection_context():
        others = [u.id for u in User.select(User.id).where(
            User.account == account_id, User.email.startswith('teammate')).order_by(User.id)]
        now = BULK_EPOCH
        contact_base = _next_id(Contact) - contacts_done
        meeting_base = _next_id(Meeting) - meetings_done
        attendee_base = _next_id(MeetingAttendee) - meetings_done
        bulk_insert(Contact, ['id', 'account', 'email', 'first_name', 'last_name', 'job_title',
                              'created_at'],
                    ((contact_base + i, account_id, bulk_email(i), f'First{i}', f'Last{i}',
                      'Buyer', now) for i in range(contacts_done, contacts_to)))
        step = datetime.timedelta(minutes=30)

        def meeting_rows():
            for i in range(meetings_done, meetings_to):
                start = BULK_EPOCH + step * i
                yield (meeting_base + i, account_id, others[i % len(others)],
                       f'Bulk meeting {i}', start, start + step, now, now)
        bulk_insert(Meeting, ['id', 'account', 'user', 'title', 'start', 'end', 'created_at',
                              'updated_at'], meeting_rows())
        # One attendee per bulk meeting, matched to a bulk contact.
        bulk_insert(MeetingAttendee, ['id', 'meeting', 'account', 'email', 'contact', 'position'],
                    ((attendee_base + i, meeting_base + i, account_id, bulk_email(i % contacts_to),
                      contact_base + i % contacts_to, 0)
                     for i in range(meetings_done, meetings_to)))
        if is_postgres():
            for model in (Contact, Meeting, MeetingAttendee):
                table = model._meta.table_name
                db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                               f'(SELECT MAX(id) FROM "{table}"))')
            # Settle the bulk load before measuring: the visibility map and statistics now,
            # dirty pages on disk now, rather than autovacuum and a checkpoint mid-run.
            connection = db.connection()
            connection.commit()  # end the driver's implicit transaction: VACUUM runs outside one
            connection.autocommit = True
            try:
                db.execute_sql('VACUUM ANALYZE')
                db.execute_sql('CHECKPOINT')
            finally:
                connection.autocommit = False
        else:
            db.execute_sql('ANALYZE')
    return (contacts_to, meetings_to), time.perf_counter() - started


BRIEF_MEETING = 3  # the seeded meeting whose brief the bench reads (notes go to meeting 0)


def add_prep_records(user, meeting_ids):
    """What the issue 10 endpoints read, on top of the seeded workspace: per company 3 open
    deals and a closed one (every contact of the company in each), 2 open tickets and a closed one; meetings 2
    and 3 one weekly series (a shared UID) with notes on week 2; a past meeting of a teammate
    with meeting 3's attendees and notes. The bench user's own list stays the 20 meetings."""
    from decimal import Decimal

    from server.models import (Deal, DealContact, Note, Ticket, TicketCompany, TicketContact)
    account = user.account_id
    with db.connection_context():
        companies = list(Company.select().where(Company.account == account).order_by(Company.id))
        for a, company in enumerate(companies):
            people = list(Contact.select().where(Contact.company == company.id))
            contact = next(c for c in people
                           if c.email == f'buyer{BRIEF_MEETING}-{a}@client{a}.example')
            for n, stage in enumerate(['qualified_to_buy'] * 3 + ['closed_lost']):
                deal = Deal.create(account=account, name=f'{company.name} deal {n}', stage=stage,
                                   amount=Decimal(1000 * (n + 1)), company=company)
                for person in people:  # every buyer of the company is in its deals
                    DealContact.create(deal=deal, contact=person)
            for n, status in enumerate(['open', 'waiting', 'closed']):
                ticket = Ticket.create(account=account, subject=f'{company.name} ticket {n}',
                                       status=status)
                TicketCompany.create(ticket=ticket, company=company)
                TicketContact.create(ticket=ticket, contact=contact)
        series = meeting_ids[BRIEF_MEETING - 1:BRIEF_MEETING + 1]
        Meeting.update(ical_uid='bench-weekly@bench.example').where(Meeting.id.in_(series)).execute()
        for n in range(3):
            Note.create(account=account, meeting=series[0], author=user.id,
                        body=f'Last week, point {n}')
        teammate = User.get(User.email == f'teammate0@{DOMAIN}')
        start = utcnow() - datetime.timedelta(days=2)
        past = meetings.schedule(teammate, {
            'title': 'Earlier call', 'start': start, 'end': start + datetime.timedelta(minutes=30),
            'attendees': [{'email': f'buyer{BRIEF_MEETING}-{a}@client{a}.example'}
                          for a in range(ATTENDEES)]})
        for n in range(2):
            Note.create(account=account, meeting=past.id, author=teammate.id,
                        body=f'Earlier call, point {n}')
        if is_postgres():
            # The statistics a live database has (autovacuum gathers them within a minute of
            # such a load): without them PostgreSQL plans every query for tables of unknown
            # size, and whether autovacuum got there before a run decided its plans.
            db.execute_sql('ANALYZE')


def people_paths(count=20, per_request=10):
    """GET /people paths, each with ``per_request`` addresses: 8 seeded contacts (with
    companies, deals, meetings) and 2 strangers of the clients' domains."""
    paths = []
    for r in range(count):
        emails = [f'buyer{(r + n) % MEETINGS}-{n % ATTENDEES}@client{n % ATTENDEES}.example'
                  for n in range(per_request - 2)]
        emails += [f'new{r}-{n}@client{n}.example' for n in range(2)]
        paths.append('/api/v1/people?' + '&'.join(f'email={e}' for e in emails))
    return paths
