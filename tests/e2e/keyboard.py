"""Issue 9 §5, keyboard: every action is reached with Tab, shows a styled focus ring, and is a
target at least 32 px high. Checked on the screen as it is, with real key presses."""

MIN_TARGET_PX = 32

# Everything a user can act on (disabled buttons are not actions; they must say why instead).
ACTIONS = ('button:not([disabled]), a[href], input:not([type=hidden]), textarea, select, '
           '[tabindex]:not([tabindex="-1"])')

_MARK = """(selector) => [...document.querySelectorAll(selector)]
  // Not what a closed <details> folds away (it keeps a layout box there, but no Tab stop).
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('details:not([open]) > :not(summary)'))
  .map((el, i) => { el.dataset.kbd = String(i); return {
    id: String(i), name: (el.getAttribute('aria-label') || el.title || el.textContent || el.placeholder || el.tagName).trim().slice(0, 40),
    // A control inside its label is clicked through the label too.
    height: Math.max(el.getBoundingClientRect().height,
                     el.closest('label')?.getBoundingClientRect().height || 0),
    inline: el.tagName === 'A' && (!!el.parentElement.closest('p, td, .muted, .hint')
      || [...el.parentElement.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) }; })"""

_FOCUSED = """() => { const el = document.activeElement; if (!el || !el.dataset.kbd) return null;
  const style = getComputedStyle(el);
  return { id: el.dataset.kbd, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 }; }"""


def assert_keyboard_ready(page, screen, inline_links=True):
    """``inline_links=False``: links in running text (beside text, in a paragraph, a hint or a
    table cell) need not be 32 px high (WCAG 2.5.8's inline exception); Tab still reaches
    them."""
    actions = page.evaluate(_MARK, ACTIONS)
    assert actions, f'{screen}: nothing to act on'
    small = [(a['name'], round(a['height'])) for a in actions
             if a['height'] < MIN_TARGET_PX - 0.5 and (inline_links or not a['inline'])]
    assert not small, f'{screen}: targets under {MIN_TARGET_PX} px high: {small}'
    page.evaluate('document.activeElement?.blur()')
    reached, no_ring = set(), []
    # Date and time inputs take a Tab stop per part (day, month, year; hour, minute...).
    for _ in range(3 * len(actions) + 10):
        page.keyboard.press('Tab')
        focused = page.evaluate(_FOCUSED)
        if focused:
            reached.add(focused['id'])
            if not focused['ring']:
                no_ring.append(next(a['name'] for a in actions if a['id'] == focused['id']))
    missed = [a['name'] for a in actions if a['id'] not in reached]
    assert not missed, f'{screen}: not reachable with Tab: {missed}'
    assert not no_ring, f'{screen}: no visible focus ring on: {no_ring}'
