"""A Gmail-like page for the content script (B6): an inbox and two threads, with Gmail's markup
where the script reads it (the thread view's name elements carry `email` and `name`), and
single-page navigation (the hash changes, the main area's DOM is swapped)."""
import json

GMAIL_URL = 'https://mail.google.com/mail/u/0/'
SECRET = 'The body text, which the extension never reads'

THREADS = {
    'thread-a': {'subject': 'Globex pricing', 'messages': [
        {'from': ['pat@globex.example', 'Pat Buyer'],
         'to': [['rita@acme.example', 'Rita Rep'], ['nina@newco.example', 'Nina Newcomer'],
                ['carl@acme.example', 'Carl Colleague']]},
        {'from': ['Nina@Newco.example', 'Nina Newcomer'], 'to': [['pat@globex.example', 'Pat Buyer']]},
    ]},
    'thread-b': {'subject': 'Initech intro', 'messages': [
        {'from': ['omar@initech.example', 'Omar Initech'],
         'to': [['rita@acme.example', 'Rita Rep'], ['pat@globex.example', 'Pat Buyer'],
                ['undisclosed-recipients', 'Undisclosed']]},  # not an address: the server says so
    ]},
}

HTML = """<!doctype html><html><head><title>Inbox - rita@acme.example - Gmail</title></head>
<body><div role="navigation">Inbox</div><div role="main" id="main"></div>
<script>
const THREADS = __THREADS__;
const SECRET = __SECRET__;
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}
function person([email, name], cls) { return el('span', {class: cls, email, name}, name); }
function render() {
  const id = location.hash.split('/')[1];
  const main = document.getElementById('main');
  const thread = THREADS[id];
  if (!thread) {  // the inbox: rows name senders with an email attribute too, outside a thread
    const row = el('tr', {class: 'zA'});
    row.append(el('td', null), el('td', null, 'Globex pricing'));
    row.firstChild.append(el('span', {class: 'zF', email: 'pat@globex.example', name: 'Pat Buyer'}, 'Pat Buyer'));
    const table = el('table'); table.append(row);
    return main.replaceChildren(table);
  }
  const view = el('div');
  view.append(el('h2', {class: 'hP', 'data-legacy-thread-id': id}, thread.subject));
  thread.messages.forEach((m, i) => {
    const message = el('div', {class: 'adn', 'data-message-id': `${id}-${i}`});
    const to = el('span', {class: 'hb'});
    to.append(...m.to.map((p) => person(p, 'g2')));
    message.append(person(m.from, 'gD'), to, el('div', {class: 'a3s'}, SECRET));
    view.append(message);
  });
  main.replaceChildren(view);
}
addEventListener('hashchange', () => setTimeout(render, 30));  // Gmail swaps the DOM a moment later
render();
</script></body></html>""".replace('__THREADS__', json.dumps(THREADS)).replace('__SECRET__', json.dumps(SECRET))


def route_gmail(context):
    context.route('https://mail.google.com/**', lambda route: route.fulfill(body=HTML, content_type='text/html'))


def spy_on_worker(extension):
    """Record every message the service worker receives from a content script, in the worker."""
    extension.worker.evaluate("""() => {
      self.seen = [];
      chrome.runtime.onMessage.addListener((m, sender) => { if (sender.tab) self.seen.push(m); });
    }""")


def seen(extension, kind='thread-people'):
    return [m for m in extension.worker.evaluate('self.seen') if m['type'] == kind]


def gmail_tab_id(extension):
    return extension.worker.evaluate(
        "chrome.tabs.query({url: 'https://mail.google.com/*'}).then((tabs) => tabs[0].id)")
