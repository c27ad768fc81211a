"""/api/v1/docs: Swagger UI, served from static/vendor/swagger-ui (no CDN), reading the schema."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def docs_page(request):
    return render(request, "api/docs.html")
