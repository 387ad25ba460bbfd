"""Maximum bipartite matching, for comparing collections whose items match within a tolerance.

A greedy pairing fails when one item is close to two expected ones: with a tolerance of 0.1,
``[1.05, 0.9]`` against ``[1.0, 1.1]`` pairs 1.05 with 1.0 first and leaves 0.9 alone, though
1.05–1.1 and 0.9–1.0 is a perfect pairing. The inputs are answers (a few dozen items), so
Kuhn's augmenting paths, O(V·E), are plenty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["matched_count"]

Got = TypeVar("Got")
Expected = TypeVar("Expected")


def matched_count(
    got: Sequence[Got], expected: Sequence[Expected], same: Callable[[Got, Expected], bool]
) -> int:
    """How many items of ``got`` pair, one to one, with an item of ``expected`` they equal."""
    owner: list[int | None] = [None] * len(expected)
    known: dict[tuple[int, int], bool] = {}

    def pairs(mine: int, index: int) -> bool:
        if (mine, index) not in known:
            known[mine, index] = same(got[mine], expected[index])
        return known[mine, index]

    def claim(mine: int, seen: set[int]) -> bool:
        """Give ``mine`` a partner, moving earlier claims along an augmenting path if needed."""
        free = [index for index, holder in enumerate(owner) if holder is None]
        for index in free + [index for index in range(len(expected)) if owner[index] is not None]:
            if index in seen or not pairs(mine, index):
                continue
            seen.add(index)
            holder = owner[index]
            if holder is None or claim(holder, seen):
                owner[index] = mine
                return True
        return False

    return sum(claim(mine, set()) for mine in range(len(got)))
