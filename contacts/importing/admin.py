"""ContactImportAdminMixin: upload → preview → confirm → result, and merging, in the Contact
admin. Import jobs always belong to the signed-in user (a superuser imports for themselves)."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import get_owned_or_404
from ..merging import MergeError, merge_contacts, plan_merge
from . import jobs, limits
from .forms import ColumnMappingForm, ImportUploadForm
from .models import ImportJob, ImportStatus
from .results import Status
from .parsers.columns import column_samples
from .sniff import ImportFileError, sniff

PREVIEW_PAGE_SIZE = 200


def method_decorator_http(methods):
    """require_http_methods for a ModelAdmin method (self comes first)."""
    decorator = {("GET",): require_GET, ("POST",): require_POST}.get(
        tuple(methods)
    ) or require_http_methods(methods)

    def wrap(method):
        def inner(self, request, *args, **kwargs):
            return decorator(lambda req: method(self, req, *args, **kwargs))(request)

        inner.__name__ = method.__name__
        inner.__doc__ = method.__doc__
        return inner

    return wrap


class ContactImportAdminMixin:
    """Put first in ContactAdmin's bases. Adds the import views, the merge view and the
    "Merge selected contacts" action."""

    def get_urls(self):
        view = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", view(self.import_upload_view), name=f"{name}_import"),
            path("import/<int:job_id>/", view(self.import_job_view), name=f"{name}_import_job"),
            path(
                "import/<int:job_id>/columns/",
                view(self.import_mapping_view),
                name=f"{name}_import_mapping",
            ),
            path(
                "import/<int:job_id>/confirm/",
                view(self.import_confirm_view),
                name=f"{name}_import_confirm",
            ),
            path(
                "import/<int:job_id>/progress/",
                view(self.import_progress_view),
                name=f"{name}_import_progress",
            ),
            path(
                "import/<int:job_id>/retry/",
                view(self.import_retry_view),
                name=f"{name}_import_retry",
            ),
            path(
                "import/<int:job_id>/cancel/",
                view(self.import_cancel_view),
                name=f"{name}_import_cancel",
            ),
            path(
                "import/<int:job_id>/delete/",
                view(self.import_delete_view),
                name=f"{name}_import_delete",
            ),
            path(
                "import/<int:job_id>/refused.csv",
                view(self.import_refused_view),
                name=f"{name}_import_refused",
            ),
            path("merge/<int:pk>/<int:other_pk>/", view(self.merge_view), name=f"{name}_merge"),
            *super().get_urls(),
        ]

    # --- helpers --------------------------------------------------------------------------

    def _url(self, suffix: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{suffix}", args=args)

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "stalled_minutes": max(1, settings.IMPORT_STALLED_SECONDS // 60),
            "keep_days": settings.IMPORT_KEEP_DAYS,
            "limits": {
                "megabytes": settings.IMPORT_MAX_UPLOAD_MB,
                "rows": limits.max_rows(),
                "columns": limits.MAX_COLUMNS,
            },
            **extra,
        }

    def _job(self, request, job_id) -> ImportJob:
        if not self.has_add_permission(request):
            raise PermissionDenied
        return get_owned_or_404(ImportJob, request.user, pk=job_id)

    # --- import ---------------------------------------------------------------------------

    @method_decorator_http(["GET", "POST"])
    def import_upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = jobs.create_job(
                    request.user, form.cleaned_data["file"], form.cleaned_data["format"]
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                if jobs.needs_mapping(job):
                    return redirect(self._url("import_mapping", job.pk))
                jobs.start(job, apply=False)
                return redirect(self._url("import_job", job.pk))
        recent = ImportJob.objects.filter(owner=request.user)[:10]
        return TemplateResponse(
            request,
            "admin/contacts/contact/import_upload.html",
            self._context(request, form=form, recent=recent, title="Import contacts"),
        )

    @method_decorator_http(["GET", "POST"])
    def import_mapping_view(self, request, job_id):
        job = self._job(request, job_id)
        if job.status not in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED):
            return redirect(self._url("import_job", job.pk))
        sniffed = sniff(job.path, job.format)
        form = ColumnMappingForm(
            request.POST or None,
            header=sniffed.header,
            initial_mapping=job.mapping or None,
            samples=column_samples(job.path, sniffed),
        )
        if request.method == "POST" and form.is_valid():
            job.mapping = form.mapping()
            job.save(update_fields=["mapping"])
            jobs.start(job, apply=False)
            return redirect(self._url("import_job", job.pk))
        return TemplateResponse(
            request,
            "admin/contacts/contact/import_mapping.html",
            self._context(request, form=form, job=job, title="Choose the columns"),
        )

    @method_decorator_http(["GET"])
    def import_job_view(self, request, job_id):
        job = self._job(request, job_id)
        status = request.GET.get("status", "")
        status = status if status in Status.ALL else ""
        page = None
        if job.status in (ImportStatus.PREVIEWED, ImportStatus.DONE):
            counts = (job.report or {}).get("counts", {})
            total = counts.get(status, 0) if status else sum(counts.values())
            paginator = Paginator(range(total), PREVIEW_PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
            page.rows = jobs.report_rows(
                job, status, page.start_index() - 1 if total else 0, PREVIEW_PAGE_SIZE
            )
        done, total = jobs.progress_of(job)
        context = self._context(
            request,
            job=job,
            stalled=jobs.is_stalled(job),
            upload_kept=job.path.exists() if job.file else False,
            page=page,
            status=status,
            statuses=Status.ALL,
            done=done,
            total=total,
            title=f"Import of {job.original_name}",
            refused=sum((job.report or {}).get("counts", {}).get(s, 0) for s in Status.REFUSED),
        )
        return TemplateResponse(request, "admin/contacts/contact/import_job.html", context)

    @method_decorator_http(["GET"])
    def import_progress_view(self, request, job_id):
        job = self._job(request, job_id)
        if not job.is_running:
            response = HttpResponse("")
            # htmx follows this header; a plain request gets the job page.
            response["HX-Redirect"] = self._url("import_job", job.pk)
            return response if request.htmx else redirect(self._url("import_job", job.pk))
        done, total = jobs.progress_of(job)
        return TemplateResponse(
            request,
            "admin/contacts/contact/import_job.html#progress",
            self._context(
                request, job=job, done=done, total=total, stalled=jobs.is_stalled(job)
            ),
        )

    @method_decorator_http(["POST"])
    def import_retry_view(self, request, job_id):
        job = self._job(request, job_id)
        if not jobs.retry(job):
            messages.error(
                request,
                "This import cannot be tried again: it is still moving, or its file is gone "
                "(upload it again).",
            )
        return redirect(self._url("import_job", job.pk))

    @method_decorator_http(["POST"])
    def import_cancel_view(self, request, job_id):
        job = self._job(request, job_id)
        if jobs.cancel(job):
            messages.info(request, f"The import of “{job.original_name}” was cancelled.")
        return redirect(self._url("import_job", job.pk))

    @method_decorator_http(["POST"])
    def import_delete_view(self, request, job_id):
        job = self._job(request, job_id)
        name = job.original_name
        jobs.delete(job)
        messages.info(request, f"The import of “{name}” was deleted, with its file.")
        return redirect(self._url("import"))

    @method_decorator_http(["POST"])
    def import_confirm_view(self, request, job_id):
        job = self._job(request, job_id)
        if jobs.start(job, apply=True):
            messages.info(request, "The import is running; this page shows its progress.")
        else:
            job.refresh_from_db()
            if job.status == ImportStatus.DONE:
                messages.success(
                    request, f"Imported: {job.report.get('counts', {}).get('new', 0)} new contacts."
                )
            elif job.status != ImportStatus.IMPORTING:
                messages.error(request, job.error or "This import was already confirmed.")
        return redirect(self._url("import_job", job.pk))

    @method_decorator_http(["GET"])
    def import_refused_view(self, request, job_id):
        job = self._job(request, job_id)
        response = StreamingHttpResponse(
            jobs.refused_rows_csv(job), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="refused-rows-{job.pk}.csv"'
        return response

    # --- merge ----------------------------------------------------------------------------

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if actions and self.has_change_permission(request) and self.has_delete_permission(request):
            action = self.get_action("merge_selected_contacts", action_location=action_location)
            if action is not None:
                actions[action.name] = action
        return actions

    @admin.action(description="Merge the two selected contacts")
    def merge_selected_contacts(self, request, queryset):
        contacts = list(queryset.order_by("created_at", "pk")[:3])
        if len(contacts) != 2:
            self.message_user(request, "Select exactly two contacts to merge.", messages.ERROR)
            return None
        if contacts[0].owner_id != contacts[1].owner_id:
            self.message_user(
                request, "Only contacts of the same user can be merged.", messages.ERROR
            )
            return None
        return redirect(self._url("merge", contacts[0].pk, contacts[1].pk))

    @method_decorator_http(["GET", "POST"])
    def merge_view(self, request, pk, other_pk):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        queryset = self.get_queryset(request).prefetch_related("emails", "phones", "tags")
        first = get_object_or_404(queryset, pk=pk)
        second = get_object_or_404(queryset, pk=other_pk)
        keep = request.POST.get("keep") or request.GET.get("keep") or str(first.pk)
        survivor, other = (second, first) if keep == str(second.pk) else (first, second)
        try:
            plan = plan_merge(survivor, other)
        except MergeError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(self._url("changelist"))
        if request.method == "POST":
            name = other.name
            merge_contacts(survivor, other)
            self.message_user(request, f"Merged “{name}” into “{survivor.name}”.", messages.SUCCESS)
            return redirect(self._url("change", survivor.pk))
        return TemplateResponse(
            request,
            "admin/contacts/contact/merge.html",
            self._context(
                request,
                plan=plan,
                first=first,
                second=second,
                title="Merge two contacts",
            ),
        )
