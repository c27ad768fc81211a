"""network_crm/choices.py: get_FOO_display() answers as Django's own does."""

from django.db import models

from interactions.models import FollowUp, Interaction, InteractionKind, Support


def test_display_matches_djangos_for_every_choice_and_for_a_stray_value():
    for model, field_name in (
        (Interaction, "kind"), (Interaction, "initiated_by"), (Support, "direction"),
        (Support, "kind"), (Support, "status"), (FollowUp, "reason"), (FollowUp, "status"),
    ):
        field = model._meta.get_field(field_name)
        for value in [value for value, _ in field.flatchoices] + ["not-a-choice", ""]:
            obj = model(**{field.attname: value})
            ours = getattr(obj, f"get_{field_name}_display")()
            djangos = models.Model._get_FIELD_display(obj, field)
            assert ours == djangos, (model, field_name, value)


def test_display_is_read_per_call_so_a_changed_value_shows():
    interaction = Interaction(kind=InteractionKind.COFFEE)
    assert interaction.get_kind_display() == InteractionKind.COFFEE.label
    interaction.kind = InteractionKind.CALL
    assert interaction.get_kind_display() == InteractionKind.CALL.label
