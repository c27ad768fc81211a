"""The installed packages are the ones the lock files name."""

from importlib.metadata import version

import urllib3


def test_urllib3_is_urllib3_itself_not_the_fork_caldav_brings():
    # urllib3-future's wheel copies itself over urllib3 at start; requests (schemathesis,
    # apprise) then fails inside its pools. The Makefile installs it from source to prevent it.
    assert urllib3.__version__ == version("urllib3")
