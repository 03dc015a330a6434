"""Issue 8 §5: .ci/audit checks the pinned requirements against a vulnerability database when
the network allows it, says why it skipped when it does not, and fails on a real finding."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
AUDIT = ROOT / '.ci' / 'audit'


def run_audit(requirements, **env):
    return subprocess.run([str(AUDIT)], env=dict(os.environ, AUDIT_REQUIREMENTS=str(requirements),
                                                 **env),
                          capture_output=True, text=True, timeout=120)


def test_issue8_audit_without_the_database_skips_with_a_reason(tmp_path):
    """A proxy that refuses every connection: no database, so a printed reason and exit 0."""
    requirements = tmp_path / 'requirements.txt'
    requirements.write_text('requests==2.19.0\n')
    result = run_audit(requirements, https_proxy='http://127.0.0.1:9',
                       HTTPS_PROXY='http://127.0.0.1:9')
    assert result.returncode == 0, result
    assert 'pip-audit skipped: the vulnerability database cannot be reached' in result.stdout
    assert 'Connection refused' in result.stdout


def test_issue8_audit_fails_on_a_known_vulnerability(tmp_path):
    """requests 2.19.0 has public advisories (CVE-2018-18074): the audit must exit non-zero."""
    requirements = tmp_path / 'requirements.txt'
    requirements.write_text('requests==2.19.0\n')
    result = run_audit(requirements)
    if 'pip-audit skipped' in result.stdout:
        pytest.skip(result.stdout.strip())
    assert result.returncode != 0, result
    assert 'requests' in result.stdout
