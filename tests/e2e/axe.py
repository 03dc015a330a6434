"""One accessibility check for every screen the browser tests show (issue 9 §5).

axe-core (shipped inside axe-playwright-python, pinned in requirements.txt) runs in the page as
it is; any serious or critical violation fails the test, with the rule, why and the elements.
"""
from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
BLOCKING = ('serious', 'critical')


def violations(page):
    """The serious and critical axe-core violations of what ``page`` shows now."""
    results = _axe.run(page)
    return [v for v in results.response['violations'] if v.get('impact') in BLOCKING]


def assert_accessible(page, screen):
    """Fail with a readable list when ``screen`` (a name for the message) has blocking violations."""
    found = violations(page)
    assert not found, f'{screen}: ' + '; '.join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ', '.join(' '.join(map(str, node['target'])) for node in v['nodes'][:5])
        for v in found)
