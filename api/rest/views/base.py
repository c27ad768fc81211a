"""What every resource's viewset shares: the signed-in user's rows only (another user's id is
a 404), integer ids in the URL, filters from a form, ordering, cursor pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import viewsets

from ..filters import FormFilter, Ordering


class ApiViewSetMixin:
    lookup_value_converter = "int"
    filter_backends = [FormFilter, Ordering]
    filter_form = None

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # The API signs in with its own authentication classes (token or session), so the
        # site-wide LoginRequiredMiddleware must not redirect it to the sign-in page.
        return login_not_required(super().as_view(actions, **initkwargs))


class OwnedViewSet(ApiViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    model = None

    def get_queryset(self):
        return self.model.objects.filter(owner=self.request.user)

    def filter_list(self, queryset, data):
        if data.get("updated_since"):
            queryset = queryset.filter(updated_at__gte=data["updated_since"])
        return queryset


@csrf_exempt  # nothing to protect: it only ever answers 404
@login_not_required
def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: a JSON 404 like every other API error."""
    return JsonResponse({"detail": "No such API route.", "errors": []}, status=404)
