"""Settings come from the environment through typed helpers."""
from server import config


def test_tuning_knobs_enter_the_config_only_when_set(monkeypatch, tmp_path):
    monkeypatch.delenv('GOOGLE_PAGE_SIZE', raising=False)
    assert 'GOOGLE_PAGE_SIZE' not in config.from_environment(str(tmp_path))
    monkeypatch.setenv('GOOGLE_PAGE_SIZE', '250')
    assert int(config.from_environment(str(tmp_path))['GOOGLE_PAGE_SIZE']) == 250


def test_extension_origins_are_a_comma_separated_list(monkeypatch, tmp_path):
    monkeypatch.setenv('EXTENSION_ORIGINS', 'chrome-extension://a, chrome-extension://b')
    assert config.from_environment(str(tmp_path))['EXTENSION_ORIGINS'] == [
        'chrome-extension://a', 'chrome-extension://b']


def test_without_secret_key_each_install_gets_its_own_persistent_one(monkeypatch, tmp_path):
    """No shared built-in default: a forged session cookie needs this install's key (the demo
    and tests; production refuses to start without SECRET_KEY, tests/test_production.py)."""
    monkeypatch.delenv('SECRET_KEY', raising=False)
    assert config.from_environment(str(tmp_path / 'a'))['SECRET_KEY'] is None
    first = config.install_secret(str(tmp_path / 'a'))
    again = config.install_secret(str(tmp_path / 'a'))
    other = config.install_secret(str(tmp_path / 'b'))
    assert first == again and first != other and len(first) >= 40
    assert (tmp_path / 'a' / 'secret_key').stat().st_mode & 0o077 == 0
    monkeypatch.setenv('SECRET_KEY', 'from-the-environment')
    assert config.from_environment(str(tmp_path / 'a'))['SECRET_KEY'] == 'from-the-environment'


def test_decision_retention_defaults_to_90_days(monkeypatch, tmp_path):
    monkeypatch.delenv('SYNC_DECISION_RETENTION_DAYS', raising=False)
    assert config.from_environment(str(tmp_path))['SYNC_DECISION_RETENTION_DAYS'] == 90
    monkeypatch.setenv('SYNC_DECISION_RETENTION_DAYS', '30')
    assert config.from_environment(str(tmp_path))['SYNC_DECISION_RETENTION_DAYS'] == 30
