"""Reading hostile input: each class of defect found in the reliability review, with its fix.

Each test is named for the guarantee it holds; the inputs are small (a few MB at most), and the
tests assert what is raised, never how long it took (tests/test_hostile.py bounds time and
memory in a child process).
"""

from __future__ import annotations

import copy
import pickle

import vitk2

# --------------------------------------------------------------------------------------------
# NOT_REPORTED is one object, through pickle and copy too


def test_not_reported_pickles_as_the_one_not_reported() -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(vitk2.NOT_REPORTED, protocol))
        assert again is vitk2.NOT_REPORTED
    assert copy.copy(vitk2.NOT_REPORTED) is vitk2.NOT_REPORTED
    assert copy.deepcopy(vitk2.NOT_REPORTED) is vitk2.NOT_REPORTED


def test_a_not_reported_with_a_note_keeps_its_note_through_pickle() -> None:
    noted = vitk2.NotReported("only as a figure")
    again = pickle.loads(pickle.dumps(noted))
    assert again == noted
    assert again.note == "only as a figure"
