"""The keyset both ways, on plain lists: what the repositories' SQL does with the same object."""

from __future__ import annotations

import pytest

from gql.store.repositories import InvalidPageRequest, Keyset

KEYS = list(range(1, 24))


def _page(keys: Keyset, stored: list[int]) -> tuple[list[int], bool, bool]:
    """Read as the SQL does: filter by the cursors, order for the direction, take size + 1."""
    ordered = sorted(stored, reverse=keys.descending != keys.backward)
    return keys.cut([k for k in ordered if keys.takes(k)][: keys.size + 1])


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "newest-first"])
@pytest.mark.parametrize("size", [1, 5, 23, 30])
def test_backward_pages_are_the_forward_pages_in_reverse_order(descending: bool, size: int) -> None:
    listed = sorted(KEYS, reverse=descending)
    forward: list[list[int]] = []
    after = None
    while True:
        page, has_next, has_previous = _page(Keyset.of(size, after, descending=descending), KEYS)
        assert has_previous is (after is not None)
        forward.append(page)
        if not has_next:
            break
        after = page[-1]
    backward: list[list[int]] = []
    before = None
    while True:
        page, has_next, has_previous = _page(
            Keyset.of(20, None, size, before, descending=descending), KEYS
        )
        assert has_next is (before is not None)
        backward.insert(0, page)
        if not has_previous:
            break
        before = page[0]
    assert [k for p in forward for k in p] == listed
    assert [k for p in backward for k in p] == listed


def test_out_of_range_sizes_and_cursors_are_refused() -> None:
    with pytest.raises(InvalidPageRequest):
        Keyset.of(20, None, 0, None)
    with pytest.raises(InvalidPageRequest):
        Keyset.of(20, None, 5, -1)
