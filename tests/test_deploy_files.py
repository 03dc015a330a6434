"""Issue 12 §1: deploy/.env.example lists every setting server/config.py reads."""
import os
import re

from server import config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_issue12_env_example_lists_every_setting():
    with open(os.path.join(ROOT, 'server', 'config.py')) as handle:
        source = handle.read()
    read = set(re.findall(r"env_\w+\('([A-Z_]+)'", source)) | set(config.TUNING_KNOBS)
    with open(os.path.join(ROOT, 'deploy', '.env.example')) as handle:
        example = handle.read()
    listed = set(re.findall(r'^#?([A-Z][A-Z0-9_]+)=', example, re.M))
    assert read - listed == set(), 'settings missing from deploy/.env.example'
