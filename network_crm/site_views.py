"""Site-wide answers that belong to no feature: the /favicon.ico browsers ask for on their own."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
@cache_control(max_age=86_400, public=True)
def favicon(request):
    """Browsers and feed readers fetch /favicon.ico whatever the page says: send them to the
    app's icon (a PNG every browser shows; its static URL carries the file's hash)."""
    return HttpResponseRedirect(static("icons/icon-192.png"))
