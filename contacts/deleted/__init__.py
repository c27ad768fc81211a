"""A deleted contact kept for the Undo of its delete (network_crm.undo): what the delete took
away, stored for the Undo window, then swept away."""
