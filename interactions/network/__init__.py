"""The network map: the user in the centre, contacts around by strength, support both ways."""
