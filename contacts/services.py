"""Writes for contacts and the user's profile."""

from .models import Profile


def get_profile(user) -> Profile:
    """The user's Profile, created with defaults the first time it is needed."""
    profile, _ = Profile.objects.get_or_create(owner=user)
    return profile
