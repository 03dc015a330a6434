"""Provider benchmark: the real Google and Graph clients listing a calendar from the fakes.

The fakes run in a child process (as the real providers run elsewhere), so the figures are
the client side of a sync: HTTP over loopback, JSON decoding and parsing into neutral events.
Prints events/s of a full pass and of an incremental pass (10 % of the events changed).
Run from the repository root:

    python bench/providers.py [--events 20000]
"""
import argparse
import multiprocessing
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from server.calendars.base import Credentials  # noqa: E402
from server.calendars.google.provider import GoogleProvider  # noqa: E402
from server.calendars.outlook.provider import OutlookProvider  # noqa: E402

OWNER = 'rep@acme.example'
PAGE_SIZES = {'google': 2500, 'outlook': 1000}


def serve(count, pipe):
    """Child process: both fakes with ``count`` events each; answer 'change' requests."""
    from tests.fakes.google_fake import GoogleFake
    from tests.fakes.graph_fake import GraphFake
    fakes = {'google': GoogleFake().start(), 'outlook': GraphFake().start()}
    for fake in fakes.values():
        for n in range(count):
            fake.store.add_event(OWNER, f'Meeting {n}', attendees=[
                f'contact{n % 5000}@client{n % 50}.example', 'colleague@acme.example'])
    pipe.send({name: (fake.config(), fake.grant(OWNER)) for name, fake in fakes.items()})
    while True:
        message = pipe.recv()
        if message == 'stop':
            break
        for fake in fakes.values():  # 'change': edit every tenth event
            for event in list(fake.store.events.values())[::10]:
                fake.store.edit_event(event.id, title=event.title + ' (moved)')
        pipe.send('changed')
    for fake in fakes.values():
        fake.stop()


def run_pass(provider, cursor=None):
    count, page, started = 0, None, time.perf_counter()
    while True:
        result = provider.list_changes(sync_cursor=cursor, page=page)
        count += len(result.events)
        if not result.next_page:
            return count, time.perf_counter() - started, result.sync_cursor
        page = result.next_page


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--events', type=int, default=20000)
    args = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(args.events, child), daemon=True)
    server.start()
    setup = parent.recv()
    print(f'# {platform.python_implementation()} {platform.python_version()}, '
          f'{os.cpu_count()} CPUs, {args.events} events per calendar')
    providers = {}
    for name, cls in (('google', GoogleProvider), ('outlook', OutlookProvider)):
        config, tokens = setup[name]
        config = dict(config, CALENDAR_HTTP_TIMEOUT=60)
        providers[name] = cls(Credentials(tokens['access_token'], tokens['refresh_token']),
                              config, page_size=PAGE_SIZES[name], email=OWNER)
    cursors = {}
    for name, provider in providers.items():
        count, seconds, cursors[name] = run_pass(provider)
        print(f'{name:8} full pass        {count:7d} events  {count / seconds:8.0f} events/s')
    parent.send('change')
    parent.recv()
    for name, provider in providers.items():
        count, seconds, _ = run_pass(provider, cursors[name])
        print(f'{name:8} incremental pass {count:7d} events  {count / seconds:8.0f} events/s')
        provider.close()
    parent.send('stop')
    server.join(10)


if __name__ == '__main__':
    main()
