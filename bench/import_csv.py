"""Bench: import a 10,000-row contacts CSV the way the web page does (issue 13 §2).

Upload checks (decode, separator, parse every row), then the import job in its batches
(one transaction each), on a fresh SQLite database (or --database-url, a PostgreSQL database
named meetside_bench*). A tenth of the rows update existing contacts (R11, other case), a
hundred are invalid e-mails and fifty are formulas; every fifth names a company. Target: the
whole import under 30 s on this machine.

    .venv/bin/python bench/import_csv.py [--rows 10000] [--database-url URL]
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from server import create_app  # noqa: E402
from server.db import db, upgrade  # noqa: E402
from server.models import Contact, ImportRow  # noqa: E402
from server.services import csv_import, users  # noqa: E402

TARGET_SECONDS = 30


def build_csv(rows):
    lines = ['\ufeffEmail;First name;Last name;Phone;Job title;Company']
    for n in range(rows):
        email = f'Person{n}@Client{n % 500}.example' if n % 10 else f'existing{n}@Bench.example'
        if n % 100 == 7:
            email = f'broken{n}.example'
        first = f"=cmd|' /C calc'!A{n}" if n % 200 == 13 else f'First{n}'
        company = f'"Client {n % 500}; Ltd"' if n % 5 == 0 else ''
        lines.append(f'{email};{first};Last{n};+1 555 {n:04};Buyer;{company}')
    return ('\n'.join(lines) + '\n').encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=10_000)
    parser.add_argument('--database-url')
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix='meetside-import-bench-')
    url = args.database_url or 'sqlite:///' + os.path.join(directory, 'bench.sqlite3')
    if url.startswith('postgres'):
        from bench.seeding import prepare_postgres
        prepare_postgres(url)
    create_app({'DATABASE_URL': url, 'MEETSIDE_ENV': 'demo', 'HUEY_IMMEDIATE': True,
                'HUEY_SQLITE_PATH': os.path.join(directory, 'huey.sqlite3')})
    upgrade()
    raw = build_csv(args.rows)
    with db.connection_context():
        user = users.create('rep@bench.example', 'Bench Co', name='Rita Rep',
                            website_domain='bench.example')
        Contact.insert_many([{'account': user.account_id, 'email': f'existing{n}@bench.example'}
                             for n in range(0, args.rows, 10)]).execute()
        started = time.perf_counter()
        job = csv_import.create_job(user, 'contacts', 'bench.csv', raw)
        uploaded = time.perf_counter()
        job = csv_import.set_mapping(user, job, {0: 'email', 1: 'first_name', 2: 'last_name',
                                                 3: 'phone', 4: 'job_title', 5: 'company'})
        job = csv_import.run(job.id)
        finished = time.perf_counter()
        total = finished - started
        reports = ImportRow.select().where(ImportRow.job == job.id).count()
    print(f'database: {"PostgreSQL" if url.startswith("postgres") else "SQLite"}; '
          f'CPUs: {os.cpu_count()}; load average: {os.getloadavg()[0]:.2f}')
    print(f'file: {len(raw) / 1e6:.2f} MB, {args.rows:,} rows')
    print(f'upload checks: {uploaded - started:.2f} s; import job: {finished - uploaded:.2f} s')
    print(f'created {job.created_count:,}, updated {job.updated_count:,}, '
          f'skipped {job.skipped_count:,} ({reports:,} report rows)')
    print(f'total: {total:.2f} s ({args.rows / total:,.0f} rows/s); target < {TARGET_SECONDS} s: '
          f'{"met" if total < TARGET_SECONDS else "MISSED"}')
    return 0 if total < TARGET_SECONDS and job.status == 'done' else 1


if __name__ == '__main__':
    sys.exit(main())
