"""Digest rendering: what a send_digests worker builds before it claims and sends, in users
per second."""

import time

from django.utils import timezone

# Target of issue 7, for the full run on PostgreSQL.
DIGESTS_PER_SECOND = 100


class DigestsPhase:
    """The `digests` phase of Bench."""

    def digests(self) -> None:
        from interactions.digests import BATCH_SIZE, build_digest_messages

        users = self.scan_users[: self.size.digest_users]
        users = list(
            type(users[0]).objects.filter(pk__in=[u.pk for u in users]).select_related("profile")
        )
        now = timezone.now()
        sizes = []
        started = time.perf_counter()
        # What a send_digests worker does before it claims and sends each digest.
        for start in range(0, len(users), BATCH_SIZE):
            for message in build_digest_messages(users[start : start + BATCH_SIZE], now):
                sizes.append(len(message.message().as_bytes()))
        seconds = time.perf_counter() - started
        per_second = len(users) / seconds
        self.add("digest rendering", {
            "kind": "digests", "users": len(users), "seconds": round(seconds, 2),
            "users_per_second": round(per_second, 1),
            "mean_message_bytes": round(sum(sizes) / len(sizes)),
        }, [(
            f"≥ {DIGESTS_PER_SECOND} users/s", round(per_second, 1),
            per_second >= DIGESTS_PER_SECOND,
        )])
        self.log(f"  digests: {len(users)} users in {seconds:.2f}s ({per_second:,.1f}/s)")
