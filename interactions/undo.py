"""Undo of deleting an interaction, a give (or received, or ask) and a mentorship
(network_crm.undo.register_delete): the token holds a copy of the row with its links and the
follow-ups that went with it; putting it back recomputes what the delete had moved."""

from network_crm import undelete

from . import services
from .insights.activity import past_weeks_changed
from .models import Interaction, Support

INTERACTION = "interaction-deleted"
SUPPORT = "support-deleted"
MENTORSHIP = "mentorship-deleted"


def interaction_back(interaction: Interaction, copy: dict) -> None:
    """Its contacts' last interaction, next follow-up and strength, as delete_interaction
    moved them."""
    contact_ids = undelete.copied_values(copy, Interaction.contacts.through, "contact")
    services.contacts_touched(interaction.owner_id, contact_ids)
    past_weeks_changed(interaction.owner_id)  # put back without a save()


def support_back(support: Support, copy: dict) -> None:
    services.contacts_touched(support.owner_id, [support.contact_id], schedule=False)


KINDS = {INTERACTION: interaction_back, SUPPORT: support_back, MENTORSHIP: None}
