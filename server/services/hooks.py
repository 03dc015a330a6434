"""Named hooks that let the calendar layer follow CRM meeting changes without a cycle.

``run`` fires inside the caller's transaction (write outbox rows there, so they commit or roll
back with the change); ``run_after_commit`` fires once the data is committed (enqueue jobs).
"""
import collections


class Hooks:
    def __init__(self):
        self._inside = collections.defaultdict(list)
        self._after = collections.defaultdict(list)

    def on(self, event, after_commit=False):
        def register(func):
            (self._after if after_commit else self._inside)[event].append(func)
            return func
        return register

    def run(self, event, *args, **kwargs):
        for func in self._inside[event]:
            func(*args, **kwargs)

    def run_after_commit(self, event, *args, **kwargs):
        for func in self._after[event]:
            func(*args, **kwargs)


meeting_hooks = Hooks()
