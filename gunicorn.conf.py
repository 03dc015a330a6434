"""gunicorn settings, read by gunicorn from the working directory (./run, bench/api.py)."""
import gc


def post_worker_init(worker):
    """Move the loaded app's objects out of the cyclic GC's reach.

    Every collection otherwise walks the ~85k objects of Flask, peewee and marshmallow
    while a request allocates a few thousand: a quarter of a meetings-page request.
    """
    gc.collect()
    gc.freeze()
