"""contacts.search: what one or two letters match, for the contacts and interactions searches."""

import pytest

from contacts import search


@pytest.mark.parametrize(
    "q,word_starts",
    [("zq", True), ("AI", True), ("x", True), ("c++", True), ("10%", True), ("a b", True),
     ("kub", False), ("design review", False), ("%", False), ("--", False)],
)
def test_one_or_two_letters_or_digits_together_search_the_start_of_words(q, word_starts):
    assert search.finds_word_starts(q) is word_starts


def test_like_patterns_are_escaped_and_start_words_for_short_searches():
    assert search.like_patterns("50%") == ["50\\%%", "% 50\\%%", "%\n50\\%%"]
    assert search.like_patterns("a_b", search.ADDRESS_PARTS) == ["a\\_b%", "%.a\\_b%", "%@a\\_b%"]
    assert search.like_patterns("ada") == ["%ada%"]
