"""The fault test's checker, shared with the topology test: the CRM's meetings equal the
calendars' ground truth, with no duplicate meeting and no duplicate invitation."""
import collections


def assert_crm_equals_ground_truth(meetings, expected, invitations, key=None):
    """``meetings``: every Meeting row; ``expected``: {key: (title, status)}; ``invitations``:
    the fakes' invitation records. ``key(meeting)`` names a meeting as ``expected`` does
    (default: its provider event id; several users' calendars: (user id, event id))."""
    key = key or (lambda meeting: meeting.provider_event_id)
    keys = [key(m) for m in meetings]
    duplicates = [k for k, n in collections.Counter(keys).items() if n > 1]
    assert not duplicates, f'duplicate meetings: {duplicates[:10]}'
    crm = {key(m): (m.title, m.status) for m in meetings}
    missing = {k: v for k, v in expected.items() if k not in crm}
    extra = {k: v for k, v in crm.items() if k not in expected}
    wrong = {k: (crm[k], v) for k, v in expected.items() if k in crm and crm[k] != v}
    assert crm == expected, (f'{len(missing)} missing, e.g. {list(missing.items())[:3]}; '
                             f'{len(extra)} extra, e.g. {list(extra.items())[:3]}; '
                             f'{len(wrong)} differ (crm, truth), e.g. {list(wrong.items())[:3]}')
    counts = collections.Counter((i.event_id, i.email) for i in invitations if i.kind == 'invite')
    assert not counts or max(counts.values()) == 1, 'duplicate invitations: ' + str(
        [k for k, n in counts.items() if n > 1][:10])
    return counts
