"""The pages walked in a process of their own, as a web worker serves them (pages.py):

    DJANGO_SETTINGS_MODULE=network_crm.bench.settings NETWORK_CRM_BENCH_DATABASE=… \\
        python -m network_crm.bench.page_walk --size full --smaller 1 --larger 2

Prints one JSON line per record of PagesPhase.walk_pages: the routes left out, then each page's
figures at both sizes, which the benchmark's own process judges against the targets.
"""

import argparse
import json
import sys


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", required=True)
    parser.add_argument("--smaller", type=int, required=True, help="The smaller account's user id.")
    parser.add_argument("--larger", type=int, required=True, help="The larger account's user id.")
    args = parser.parse_args(argv)
    # The records alone on stdout: anything else printed goes to stderr.
    records, sys.stdout = sys.stdout, sys.stderr

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from .pages import PagesPhase
    from .sizes import SIZES

    users = get_user_model().objects.in_bulk([args.smaller, args.larger])
    walk = PagesPhase()
    walk.size = SIZES[args.size]
    walk.walk_pages(
        users[args.smaller], users[args.larger],
        emit=lambda record: print(json.dumps(record), file=records, flush=True),
    )


if __name__ == "__main__":
    main()
