"""The panel shows times in the user's zone, labels it when the browser runs in another one,
groups Today/Tomorrow by the user's day, and marks Now / In N min / the next meeting (B5,
issue 9 §1). Chromium runs with its own TZ (the browser process's environment)."""
import datetime
import re
import time
import zoneinfo

import pytest

from server.db import db
from server.models import Meeting, User, utcnow

pytestmark = pytest.mark.e2e

UTC = datetime.timezone.utc


def set_zone(user, zone):
    with db.connection_context():
        User.update(time_zone=zone, time_zone_source='user').where(User.id == user.id).execute()


def add_meeting(world, title, start, minutes=30):
    with db.connection_context():  # as the calendar sync stores them (nothing to deliver)
        return Meeting.create(account=world.rep.account_id, user=world.rep, title=title,
                              start=start, end=start + datetime.timedelta(minutes=minutes),
                              source='calendar')


def local(naive_utc, zone):
    return naive_utc.replace(tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(zone))


def ended_today(now, zone):
    """(start, minutes) of a call that is over and began on the user's today, at any hour: in
    New York's first 50 minutes, "50 minutes ago" is yesterday, which the list no longer shows
    (the test failed in CI runs between 05:00 and 05:50 UTC)."""
    midnight = local(now, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    since_midnight = (local(now, zone) - midnight).total_seconds()
    if since_midnight < 20:  # no room yet for a call that began today and is over
        time.sleep(20 - since_midnight)
        now = utcnow()
    start = max(now - datetime.timedelta(minutes=50),
                midnight.astimezone(UTC).replace(tzinfo=None) + datetime.timedelta(seconds=1))
    minutes = min(20.0, (now - start).total_seconds() / 120)  # ends halfway to now
    return start, minutes


def clock_text(when):
    return f'{when.hour % 12 or 12}:{when.minute:02d}'


def rows(page):
    """Each day heading and meeting row of the list, in order: (kind, text, classes)."""
    return page.evaluate("""() => [...document.querySelectorAll('h2.day, button.meeting')].map(
        (el) => [el.tagName === 'H2' ? 'day' : 'meeting', el.innerText, el.className])""")


def day_of(page_rows, title):
    day = None
    for kind, text, _ in page_rows:
        if kind == 'day':
            day = text
        elif text.startswith(title):
            return day
    raise AssertionError(f'{title} not listed: {page_rows}')


def row(page, title):
    return page.locator('button.meeting', has_text=title)


def contrast(page, selector):
    """WCAG contrast ratio of the element's text colour on its (opaque) background."""
    colours = page.evaluate("""(selector) => {
      const el = document.querySelector(selector);
      const style = getComputedStyle(el);
      let back = el, bg = 'rgba(0, 0, 0, 0)';
      while (back && (bg = getComputedStyle(back).backgroundColor) === 'rgba(0, 0, 0, 0)') back = back.parentElement;
      let opacity = 1;
      for (let n = el; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
      return [style.color, bg, opacity];
    }""", selector)

    def rgb(text):
        return [int(v) for v in re.findall(r'\d+', text)[:3]]

    def luminance(channels):
        def linear(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (linear(c) for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    fg, bg, opacity = rgb(colours[0]), rgb(colours[1]), colours[2]
    fg = [f * opacity + b * (1 - opacity) for f, b in zip(fg, bg)]  # faded text blends in
    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_b5_new_york_browser_and_user_see_new_york_times_and_days(new_extension, server, world):
    zone = 'America/New_York'
    set_zone(world.rep, zone)
    now = utcnow().replace(microsecond=0)
    running = add_meeting(world, 'Running call', now - datetime.timedelta(minutes=10), 40)
    soon = add_meeting(world, 'Soon call', now + datetime.timedelta(minutes=8, seconds=30))
    # The first hour of the New York day after tomorrow's... tomorrow: grouped by NY's day.
    ny_now = local(now, zone)
    tomorrow_early = (ny_now + datetime.timedelta(days=1)).replace(hour=0, minute=30, second=0)
    early = add_meeting(world, 'Early tomorrow NY', tomorrow_early.astimezone(UTC).replace(tzinfo=None))

    extension = new_extension(tz=zone)
    extension.sign_in(server, world.token)
    panel = extension.open_panel()
    panel.wait_for_selector('button.meeting')
    assert panel.evaluate('Intl.DateTimeFormat().resolvedOptions().timeZone') == zone

    listed = rows(panel)
    for meeting in (running, soon, early, world.demo):
        text = row(panel, meeting.title).inner_text()
        assert clock_text(local(meeting.start, zone)) in text, (meeting.title, text)
        assert not re.search(r'\b(EST|EDT|GMT|UTC)\b', text), text  # same zone: no label
    assert day_of(listed, 'Early tomorrow NY') == 'TOMORROW' or \
        day_of(listed, 'Early tomorrow NY').lower() == 'tomorrow'
    assert day_of(listed, 'Running call').lower() == 'today'
    soon_day = 'today' if local(soon.start, zone).date() == ny_now.date() else 'tomorrow'
    assert day_of(listed, 'Soon call').lower() == soon_day

    assert 'Now' in row(panel, 'Running call').locator('.timing').inner_text()
    assert re.fullmatch(r'In [89] min', row(panel, 'Soon call').locator('.timing').inner_text())
    # The next meeting not yet started is first-class: one row, marked.
    nexts = panel.locator('button.meeting.next')
    assert nexts.count() == 1 and nexts.locator('.title').inner_text() == 'Soon call'

    # Ended meetings stay readable (WCAG AA, 4.5:1).
    add_meeting(world, 'Ended call', *ended_today(utcnow(), zone))
    panel.reload()
    panel.wait_for_selector('button.meeting.past')
    for part in ('.title', '.sub'):
        ratio = contrast(panel, f'button.meeting.past {part}')
        assert ratio >= 4.5, (part, ratio)


def berlin_label(offset_hours):
    return re.compile(rf'(GMT\+{offset_hours}\b|{"CET" if offset_hours == 1 else "CEST"}\b)')


def next_transition(zone, start):
    """The first instant after ``start`` (aware) at which ``zone``'s UTC offset changes."""
    tz = zoneinfo.ZoneInfo(zone)
    step, when = datetime.timedelta(hours=1), start
    for _ in range(24 * 400):
        if (when + step).astimezone(tz).utcoffset() != when.astimezone(tz).utcoffset():
            return when + step
        when += step
    raise AssertionError('no DST change within 400 days')


def test_b5_berlin_user_in_a_new_york_browser_across_a_dst_week(new_extension, server, world):
    """A user zone different from the browser's is labelled on every time; a week crossing
    Berlin's next DST change keeps 10:00 local on each day and its label follows the offset
    (computed with zoneinfo). The browser's clock is set three days before the change."""
    zone, tz = 'Europe/Berlin', zoneinfo.ZoneInfo('Europe/Berlin')
    set_zone(world.rep, zone)
    change = next_transition(zone, utcnow().replace(tzinfo=UTC) + datetime.timedelta(days=1))
    first_day = (change.astimezone(tz) - datetime.timedelta(days=3)).date()
    browser_now = datetime.datetime.combine(first_day, datetime.time(7, 0), tz)
    made = []
    for n in range(6):
        local_start = datetime.datetime.combine(first_day + datetime.timedelta(days=n),
                                                datetime.time(10, 0), tz)
        made.append((add_meeting(world, f'Berlin standup {n}',
                                 local_start.astimezone(UTC).replace(tzinfo=None)), local_start))
    offsets = {int(start.utcoffset().total_seconds() // 3600) for _, start in made}
    assert len(offsets) == 2, offsets  # the week really crosses the change

    extension = new_extension(tz='America/New_York')
    extension.sign_in(server, world.token)
    page = extension.context.new_page()
    page.clock.install(time=browser_now.astimezone(UTC).replace(tzinfo=None).isoformat() + 'Z')
    page.goto(extension.url('extension/sidepanel/index.html'))
    page.wait_for_selector('button.meeting')
    listed = rows(page)
    for n, (meeting, local_start) in enumerate(made):
        text = row(page, meeting.title).inner_text()
        assert '10:00' in text, text  # Berlin's wall clock, not New York's
        hours = int(local_start.utcoffset().total_seconds() // 3600)
        assert berlin_label(hours).search(text), (hours, text)
        day = day_of(listed, meeting.title).lower()
        assert day == ('today' if n == 0 else 'tomorrow' if n == 1 else day), day
        if n > 1:
            assert day not in ('today', 'tomorrow')
    assert not extension.errors, extension.errors
