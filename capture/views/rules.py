"""Rules per contact or per domain: always log, or never suggest."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from contacts.access import get_owned_or_404

from .. import selectors, services
from ..forms import RuleForm
from ..models import Rule


@require_http_methods(["GET", "POST"])
def rules(request):
    form = RuleForm(request.POST or None, owner=request.user,
                    initial={"contact": request.GET.get("contact")})
    if request.method == "POST" and form.is_valid():
        rule = services.save_rule(
            request.user,
            action=form.cleaned_data["action"],
            contact=form.cleaned_data.get("contact"),
            domain=form.cleaned_data.get("domain", ""),
        )
        messages.success(request, f"Rule saved: {rule}.")
        return redirect("capture:rules")
    status = 400 if form.is_bound else 200
    return render(request, "capture/rules.html",
                  {"form": form, "rules": selectors.rules(request.user)}, status=status)


@require_POST
def rule_delete(request, pk):
    rule = get_owned_or_404(Rule, request.user, pk=pk)
    services.delete_rule(rule)
    messages.success(request, "Rule removed.")
    return redirect("capture:rules")
