"""Start the Google and Graph fakes on fixed ports for a manual demo of the connect flow.

    python -m tests.fakes [--google-port 8701] [--graph-port 8702] [--login rep@acme.com]

Prints the environment to start the app with; stop with Ctrl-C.
"""
import argparse
import threading

from tests.clock import iso_ahead
from tests.fakes.fixtures import TEST_ENCRYPTION_KEY
from tests.fakes.google_fake import GoogleFake
from tests.fakes.graph_fake import GraphFake


def main():
    parser = argparse.ArgumentParser(prog='python -m tests.fakes', description=__doc__.split('\n')[0])
    parser.add_argument('--google-port', type=int, default=8701)
    parser.add_argument('--graph-port', type=int, default=8702)
    parser.add_argument('--login', default=None,
                        help='who signs in at the consent screens when the app sends no login_hint')
    args = parser.parse_args()
    google = GoogleFake(port=args.google_port).start()
    graph = GraphFake(port=args.graph_port).start()
    for fake in (google, graph):
        fake.default_login = args.login or fake.default_login
    env = dict(google.config(), **graph.config(), TOKEN_ENCRYPTION_KEY=TEST_ENCRYPTION_KEY)
    example_start = iso_ahead(days=2, hour=10)  # an example the user can paste today
    print('# Google fake on', google.url, '-- Graph fake on', graph.url)
    print('# Start the app with these settings (the encryption key is a demo key):')
    for name, value in env.items():
        print(f"export {name}='{value}'")
    print(f'''
# Then sign in, open Settings › Calendar and connect. Act "as the user in the calendar":
#   curl -X POST {google.url}/_fake/events -H 'Content-Type: application/json' \\
#        -d '{{"owner": "you@example.com", "title": "Demo", "start": "{example_start}",
#             "attendees": ["contact@client.example"]}}'
#   curl {google.url}/_fake/events          # the ground truth
#   curl {google.url}/_fake/invitations     # invitations the "provider" e-mailed
# (the same paths exist on the Graph fake at {graph.url})''', flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        google.stop()
        graph.stop()


if __name__ == '__main__':
    main()
