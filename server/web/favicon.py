"""/favicon.ico: browsers ask for it on every site; without it each page logs a 404 (issue 9 §5).

Drawn by extension/images/draw-icons.py. Held in memory (1.5 kB): no file handle per request.
"""
import functools
from pathlib import Path

from flask import Response

from server.web import bp

ONE_DAY = 24 * 60 * 60


@functools.cache
def _icon():
    return (Path(bp.static_folder) / 'favicon.ico').read_bytes()


@bp.route('/favicon.ico')
def favicon():
    response = Response(_icon(), mimetype='image/x-icon')
    response.cache_control.public = True
    response.cache_control.max_age = ONE_DAY
    return response
