"""The export page and its downloads under /data/export/: contacts as vCard or CSV, everything
as JSON. Each download holds only the signed-in user's rows. The restore pages under
/data/restore/ put a JSON export back into the signed-in user's own empty account."""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.access import get_owned_or_404
from contacts.views import is_htmx

from . import contact_files, document, jobs
from .forms import RestoreUploadForm
from .models import RestoreJob
from .restore import RestoreError, ensure_empty


@require_GET
def export_page(request):
    return render(request, "interactions/backup/export.html")


def _download(chunks, filename, content_type):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d")


@require_GET
def export_vcard(request):
    return _download(
        contact_files.export_vcard(request.user),
        f"contacts-{_stamp()}.vcf",
        "text/vcard; charset=utf-8",
    )


@require_GET
def export_csv(request):
    return _download(
        contact_files.export_csv(request.user),
        f"contacts-{_stamp()}.csv",
        "text/csv; charset=utf-8",
    )


@require_GET
def export_json(request):
    return _download(
        [document.export_json(request.user)], f"network_crm-{_stamp()}.json", "application/json"
    )


@require_http_methods(["GET", "POST"])
def restore_page(request):
    """The upload form; says up front when the account is not empty or a restore is under way."""
    form = RestoreUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.create_job(request.user, form.cleaned_data["file"])
        except RestoreError as exc:
            form.add_error("file", str(exc))
        else:
            jobs.start(job)
            return redirect("data:restore_job", job.pk)
    try:
        ensure_empty(request.user)
        not_empty = ""
    except RestoreError as exc:
        not_empty = str(exc)
    context = {
        "form": form,
        "not_empty": not_empty,
        "under_way": jobs.under_way(request.user),
        "max_mb": settings.RESTORE_MAX_UPLOAD_MB,
    }
    return render(request, "interactions/backup/restore.html", context)


@require_GET
def restore_job(request, pk):
    """A restore's progress (polled by htmx while under way) and its result."""
    job = get_owned_or_404(RestoreJob, request.user, pk=pk)
    done, total = jobs.progress_of(job)
    context = {
        "job": job,
        "done": done,
        "total": total,
        "stalled": jobs.is_stalled(job),
        "stalled_minutes": max(1, settings.IMPORT_STALLED_SECONDS // 60),
        "restored": jobs.restored_sections(job),
    }
    template = "interactions/backup/restore_job.html"
    if is_htmx(request):
        template += "#status"
    return render(request, template, context)


@require_POST
def restore_cancel(request, pk):
    job = get_owned_or_404(RestoreJob, request.user, pk=pk)
    jobs.cancel(job)
    return redirect("data:restore_job", job.pk)
