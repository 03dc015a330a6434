"""Issue 9 §5, keyboard: every action is reached with Tab, shows a styled focus ring, and is a
target at least 32 px high. Checked on the screen as it is, with real key presses."""

MIN_TARGET_PX = 32

# Everything a user can act on (disabled buttons are not actions; they must say why instead).
ACTIONS = ('button:not([disabled]), a[href], input:not([type=hidden]), textarea, select, '
           '[tabindex]:not([tabindex="-1"])')

_MARK = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map((el, i) => { el.dataset.kbd = String(i); return {
    id: String(i), name: (el.getAttribute('aria-label') || el.title || el.textContent || el.placeholder || el.tagName).trim().slice(0, 40),
    height: el.getBoundingClientRect().height }; })"""

_FOCUSED = """() => { const el = document.activeElement; if (!el || !el.dataset.kbd) return null;
  const style = getComputedStyle(el);
  return { id: el.dataset.kbd, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 }; }"""


def assert_keyboard_ready(page, screen):
    actions = page.evaluate(_MARK, ACTIONS)
    assert actions, f'{screen}: nothing to act on'
    small = [(a['name'], round(a['height'])) for a in actions if a['height'] < MIN_TARGET_PX - 0.5]
    assert not small, f'{screen}: targets under {MIN_TARGET_PX} px high: {small}'
    page.evaluate('document.activeElement?.blur()')
    reached, no_ring = set(), []
    # Date and time inputs take a Tab stop per part (day, month, year; hour, minute...).
    for _ in range(2 * len(actions) + 3):
        page.keyboard.press('Tab')
        focused = page.evaluate(_FOCUSED)
        if focused:
            reached.add(focused['id'])
            if not focused['ring']:
                no_ring.append(next(a['name'] for a in actions if a['id'] == focused['id']))
    missed = [a['name'] for a in actions if a['id'] not in reached]
    assert not missed, f'{screen}: not reachable with Tab: {missed}'
    assert not no_ring, f'{screen}: no visible focus ring on: {no_ring}'
