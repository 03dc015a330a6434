"""CSV import and export pages (issue 13 §2): upload -> column mapping with a preview ->
a background import with a progress bar (polling a small JSON status) -> the report."""
from flask import (
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from server.auth import login_required
from server.errors import ValidationFailed
from server.services import csv_export, csv_import
from server.web import bp
from server.web.pages import list_arguments

IMPORT_URL = '/<any(contacts, companies):plural>/import'
JOB_URL = '/imports/<int(max=2147483647):job_id>'
UPLOAD_LIMIT = csv_import.MAX_BYTES + 64 * 1024  # the file plus the form around it


def allow_upload():
    """before_request (before the CSRF check reads the form): the upload page takes files up
    to the import limit; every other page keeps MAX_CONTENT_LENGTH."""
    if request.endpoint == 'web.import_upload' and request.method == 'POST':
        request.max_content_length = UPLOAD_LIMIT


# First of the pages' before_request functions: the CSRF check reads the form.
bp.before_request_funcs.setdefault(None, []).insert(0, allow_upload)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A file over the limit: the upload page again with the reason (a 413, never a 500)."""
    if request.endpoint != 'web.import_upload':
        return render_template('error.html', status=413, message=error.description), 413
    limit = csv_import.MAX_BYTES // (1024 * 1024)
    message = gettext('The file is larger than %(limit)s MB: split it into smaller files.',
                      limit=limit)
    return render_template('imports/upload.html', plural=request.view_args['plural'],
                           errors={'file': [message]},
                           jobs=[], fields=csv_import.FIELDS[request.view_args['plural']]), 413


@bp.route(IMPORT_URL, methods=['GET', 'POST'])
@login_required
def import_upload(plural):
    """Upload a CSV file of contacts or companies."""
    errors = {}
    if request.method == 'POST':
        upload = request.files.get('file')
        if upload is None or not upload.filename:
            errors = {'file': [gettext('Choose a CSV file to upload.')]}
        else:
            raw = upload.stream.read(csv_import.MAX_BYTES + 1)
            try:
                name = ''.join(ch for ch in upload.filename if ch.isprintable())
                job = csv_import.create_job(g.web_user, plural, name, raw)
            except ValidationFailed as error:
                errors = error.errors or {'file': [error.message]}
            else:
                return redirect(url_for('web.import_job', job_id=job.id), code=303)
    return render_template('imports/upload.html', plural=plural, errors=errors,
                           jobs=csv_import.recent_jobs(g.web_user),
                           fields=csv_import.FIELDS[plural]), 422 if errors else 200


@bp.route(JOB_URL)
@login_required
def import_job(job_id):
    """An import: its column mapping, its progress, or its report."""
    job = csv_import.get_job(g.web_user, job_id)
    if job.status == 'uploaded':
        return _mapping_page(job, csv_import.mapping_of(job))
    skipped = csv_import.report_rows(job, 'skipped', limit=200) if job.status == 'done' else []
    return render_template('imports/job.html', job=job, status=csv_import.status(job),
                           skipped=skipped, can_resume=csv_import.can_resume(job))


def _mapping_page(job, mapping, errors=None, status=200):
    header, rows = csv_import.preview(job)
    width = len(header)
    rows = [(row + [''] * width)[:width] for row in rows]
    return render_template('imports/mapping.html', job=job, header=header, rows=rows,
                           mapping=mapping, fields=csv_import.FIELDS[job.kind],
                           required=csv_import.REQUIRED[job.kind], errors=errors or {}), status


@bp.route(JOB_URL + '/mapping', methods=['POST'])
@login_required
def import_mapping(job_id):
    """Take the column mapping and start the import in the background."""
    from server import tasks
    job = csv_import.get_job(g.web_user, job_id)
    chosen = {}
    for key, value in request.form.items():
        if key.startswith('column_') and key[7:].isdigit() and len(key) < 12:
            chosen[int(key[7:])] = value
    try:
        job = csv_import.set_mapping(g.web_user, job, chosen)
    except ValidationFailed as error:
        if job.status != 'uploaded':
            flash(error.message, 'error')
            return redirect(url_for('web.import_job', job_id=job.id), code=303)
        return _mapping_page(job, chosen, error.errors, status=422)
    tasks.import_csv(job.id)
    return redirect(url_for('web.import_job', job_id=job.id), code=303)


@bp.route(JOB_URL + '/resume', methods=['POST'])
@login_required
def import_resume(job_id):
    """Run a stopped import again from its first row not committed."""
    from server import tasks
    job = csv_import.get_job(g.web_user, job_id)
    if not csv_import.can_resume(job):
        flash(gettext('This import is not stopped: nothing to resume.'), 'error')
    else:
        tasks.import_csv(job.id)
        flash(gettext('The import resumes where it stopped.'), 'info')
    return redirect(url_for('web.import_job', job_id=job.id), code=303)


@bp.route(JOB_URL + '/status')
@login_required
def import_status(job_id):
    """The progress bar's poll: {status, total, processed, created, updated, skipped}."""
    response = jsonify(csv_import.status(csv_import.get_job(g.web_user, job_id)))
    response.headers['Cache-Control'] = 'no-store'
    return response


@bp.route(JOB_URL + '/report.csv')
@login_required
def import_report(job_id):
    """The report as CSV: one line per row of the file, with the reason for each skip."""
    job = csv_import.get_job(g.web_user, job_id)
    if job.status != 'done':
        abort(409, description=gettext('The report is ready when the import is done.'))
    return Response(stream_with_context(csv_import.report_csv(job)), mimetype='text/csv',
                    headers={'Content-Disposition':
                             f'attachment; filename="import-{job.id}-report.csv"'})


@bp.route('/<any(contacts, companies, deals):plural>/export.csv')
@login_required
def export_csv(plural):
    """The list (with its search, sort and filters) as CSV, formula-injection safe."""
    q, sort, filters = list_arguments(plural, request.args)
    chunks = csv_export.rows(g.web_user, plural, q=q or None, sort=sort, **filters)
    return Response(stream_with_context(chunks), mimetype='text/csv',
                    headers={'Content-Disposition': f'attachment; filename="{plural}.csv"'})

