"""The export page and its downloads under /data/export/: contacts as vCard or CSV, everything
as JSON. Each download holds only the signed-in user's rows."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import contact_files, document


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
