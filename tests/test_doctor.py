"""Issue 12 §1: `flask doctor` prints the effective settings with secrets redacted, checks the
settings, the database, Redis, the migrations level and the providers, and exits 1 on any
problem (one test per failing check)."""
import pytest

from tests.conftest import make_app
from tests.fakes.fixtures import TEST_ENCRYPTION_KEY

HEALTHY = {'TESTING': False, 'MEETSIDE_ENV': 'production', 'SECRET_KEY': 'k' * 48,
           'TOKEN_ENCRYPTION_KEY': TEST_ENCRYPTION_KEY, 'PUBLIC_URL': 'https://crm.example.com',
           'REDIS_URL': 'redis://127.0.0.1:6379/0',
           'GOOGLE_CLIENT_ID': 'google-id', 'GOOGLE_CLIENT_SECRET': 'google-secret-value',
           'MS_CLIENT_ID': '', 'MS_CLIENT_SECRET': ''}


def doctor(app, **changes):
    app.config.update(HEALTHY, **changes)
    return app.test_cli_runner().invoke(args=['doctor'])


def failed(result, check):
    lines = [line for line in result.output.splitlines() if f'] {check}:' in line]
    return result.exit_code == 1 and len(lines) == 1 and lines[0].lstrip().startswith('[FAIL]')


def test_issue12_doctor_passes_a_healthy_deployment_and_redacts_secrets(app):
    result = doctor(app, DATABASE_URL='postgresql://meetside:hunter2@db.internal:5432/crm',
                    MAIL_PASSWORD='smtp-pass-value')
    assert result.exit_code == 0, result.output
    assert 'FAIL' not in result.output and 'Everything checks out.' in result.output
    for secret in ('k' * 48, TEST_ENCRYPTION_KEY, 'google-secret-value', 'hunter2',
                   'smtp-pass-value'):
        assert secret not in result.output
    assert "DATABASE_URL = 'postgresql://meetside:***@db.internal:5432/crm'" in result.output
    assert 'SECRET_KEY = (set, redacted)' in result.output
    assert "PUBLIC_URL = 'https://crm.example.com'" in result.output


@pytest.mark.parametrize('changes, message', [
    ({'SECRET_KEY': ''}, 'SECRET_KEY is not set'),
    ({'TOKEN_ENCRYPTION_KEY': None}, 'TOKEN_ENCRYPTION_KEY is not set'),
    ({'PUBLIC_URL': 'http://crm.example.com'}, 'is not https'),
])
def test_issue12_doctor_fails_the_production_settings(app, changes, message):
    result = doctor(app, **changes)
    assert failed(result, 'settings') and message in result.output, result.output


def test_issue12_doctor_fails_a_database_that_does_not_answer(app):
    down = make_app(**dict(HEALTHY, DATABASE_URL='postgresql://postgres@127.0.0.1:9/nowhere'))
    result = doctor(down)
    assert failed(result, 'database') and 'DATABASE_URL does not answer' in result.output


def test_issue12_doctor_fails_pending_migrations(app, tmp_path):
    fresh = make_app(**dict(HEALTHY, DATABASE_URL=f'sqlite:///{tmp_path}/unmigrated.sqlite3'))
    result = doctor(fresh)
    assert failed(result, 'migrations') and 'pending (0001_initial' in result.output
    assert 'flask --app server db upgrade' in result.output


def test_issue12_doctor_fails_redis_that_does_not_answer(app):
    result = doctor(app, REDIS_URL='redis://127.0.0.1:9/0')
    assert failed(result, 'redis') and 'REDIS_URL does not answer' in result.output


def test_issue12_doctor_reports_the_sqlite_queue_without_redis(app):
    result = doctor(app, REDIS_URL=None)
    assert result.exit_code == 0 and 'the job queue is SQLite' in result.output


@pytest.mark.parametrize('changes, message', [
    ({'GOOGLE_CLIENT_SECRET': ''}, 'GOOGLE_CLIENT_SECRET is not set'),
    ({'GOOGLE_CLIENT_ID': '', 'GOOGLE_CLIENT_SECRET': ''}, 'no calendar provider is configured'),
    ({'MS_CLIENT_ID': 'ms-id', 'MS_CLIENT_SECRET': 's', 'MS_GRAPH_ENDPOINT': 'graph'},
     "MS_GRAPH_ENDPOINT 'graph' is not an http(s) address"),
])
def test_issue12_doctor_fails_the_provider_settings(app, changes, message):
    result = doctor(app, **changes)
    assert failed(result, 'providers') and message in result.output, result.output


def test_issue12_doctor_prints_every_setting_config_reads():
    """Settings added later (sign-up, mail) are printed too, so a secret among them is seen to
    be redacted rather than silently absent."""
    import re
    from pathlib import Path

    from server import config, doctor as doctor_module
    source = (Path(config.__file__)).read_text()
    read = set(re.findall(r"env_\w+\('([A-Z_]+)'", source))
    assert read - set(doctor_module.SETTING_NAMES) == set()
