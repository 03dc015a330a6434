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
