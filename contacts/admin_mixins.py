"""Owner scoping shared by every ModelAdmin and inline of the project.

A superuser sees every row; any other staff user sees, picks and changes only their own rows.
A row created in the admin belongs to the user who creates it (a superuser may pick another owner
on the add page, but never afterwards: moving a row between owners would leave its interactions,
gives and follow-ups pointing at someone else's contact).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Exists, Q
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

# Set on the request by get_form so the related-field hooks, which Django calls without the
# object, know whose rows a superuser editing someone else's row may pick from.
_SCOPE_ATTR = "_admin_owner_scope"


def _is_owned(model) -> bool:
    try:
        model._meta.get_field("owner")
    except FieldDoesNotExist:
        return False
    return True


class OwnerConsistentForm(forms.ModelForm):
    """Refuses a related row (contact, event, tag, …) that belongs to someone else than the
    row's own owner, e.g. a superuser setting another owner on the add page."""

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("owner")
        if owner is None:
            return cleaned
        for name, field in self.fields.items():
            if name == "owner" or not isinstance(field, forms.ModelChoiceField):
                continue
            value = cleaned.get(name)
            values = value if isinstance(field, forms.ModelMultipleChoiceField) else [value]
            foreign = (
                v for v in values or () if v is not None and getattr(v, "owner_id", owner.pk) != owner.pk
            )
            if any(foreign):
                self.add_error(name, f"Pick only rows that belong to {owner}.")
        return cleaned


class OwnerScopedAdminMixin:
    """Put before admin.ModelAdmin / admin.TabularInline in the bases.

    `owner_path` is the lookup from the model to its owner: "owner" for rows with their own
    owner column, "contact__owner" for rows owned through their contact (emails, phones).
    """

    owner_path = "owner"
    form = OwnerConsistentForm

    @property
    def _has_owner_column(self) -> bool:
        return self.owner_path == "owner"

    def scope_owner(self, request):
        """The user whose rows may be picked in related fields of the form being built."""
        if request.user.is_superuser:
            return getattr(request, _SCOPE_ATTR, None) or request.user
        return request.user

    # --- what the user sees -------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.owner_path: request.user})

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        if request.user.is_superuser and self._has_owner_column and "owner" not in list_display:
            return (*list_display, "owner")
        return list_display

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if request.user.is_superuser and self._has_owner_column:
            return (*list_filter, "owner")
        return list_filter

    def get_list_select_related(self, request):
        related = super().get_list_select_related(request)
        if (
            request.user.is_superuser
            and self._has_owner_column
            and isinstance(related, (list, tuple))
            and "owner" not in related
        ):
            return (*related, "owner")
        return related

    # --- forms ----------------------------------------------------------------------------

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if self._has_owner_column:
            initial.setdefault("owner", request.user.pk)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        if request.user.is_superuser:
            scope = obj.owner if obj is not None and self._has_owner_column else None
            setattr(request, _SCOPE_ATTR, scope)
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "owner" in form.base_fields:
            form.base_fields["owner"].disabled = True
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "owner" and self._has_owner_column and not request.user.is_superuser:
            # Kept in the form (hidden, disabled, always the user) rather than excluded, so the
            # unique constraints that include the owner are still validated by the form.
            return db_field.formfield(
                queryset=get_user_model()._default_manager.filter(pk=request.user.pk),
                initial=request.user.pk,
                widget=forms.HiddenInput,
                disabled=True,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner" and self._has_owner_column:
            kwargs.setdefault("initial", request.user.pk)
        elif _is_owned(db_field.related_model):
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                owner=self.scope_owner(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if _is_owned(db_field.related_model):
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                owner=self.scope_owner(request)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if self._has_owner_column and (not request.user.is_superuser or obj.owner_id is None):
            obj.owner = request.user
        super().save_model(request, obj, form, change)


class CountedUpToPaginator(Paginator):
    """The admin's pages of a long list, counted up to COUNTED rows: beyond, the list says "More
    than 1000" (templates/admin/pagination.html and search_form.html) and its pages end there;
    a search or a filter finds older rows. Counting a search's every match among a million
    conversations took seconds."""

    COUNTED = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.COUNTED + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.COUNTED


def search_words(search_term: str) -> list[str]:
    """The words of an admin search, a quoted phrase as one, as Django's own search splits
    them."""
    words = []
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        words.append(word)
    return words


class SearchThroughExistsMixin:
    """Django's admin search where one of `search_fields` is on a list of other rows (a
    contact's emails, a conversation's people): each word in one of the row's own columns
    (`own_search_fields`) or in one of the rows `related_search(word)` selects, tested through
    EXISTS. Django joins those rows instead, which makes the list DISTINCT: it reads every match
    before the first page."""

    own_search_fields: tuple[str, ...] = ()

    def related_search(self, word: str):
        """The other rows holding `word`, correlated to the listed row with OuterRef("pk")."""
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        for word in search_words(search_term):
            own = Q()
            for field in self.own_search_fields:
                own |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(own | Exists(self.related_search(word)))
        return queryset, False
