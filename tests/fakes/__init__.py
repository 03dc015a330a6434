"""Protocol-faithful fakes of Google and Microsoft Graph, served over real HTTP on 127.0.0.1.

``python -m tests.fakes`` starts both on fixed ports for manual demos; tests use the fixtures
in tests.fakes.fixtures (exposed to every test by tests/conftest.py).
"""
