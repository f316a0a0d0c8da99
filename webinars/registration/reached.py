"""The series in which this process found a hard limit reached: where a prediction counts.

A registration through the API is written before the series lock with a predicted status
(`inserts.insert_registration`), and confirmed under the lock (`seats.confirm_prediction`):
a seat predicted is always counted again there, by the lock statement. So a registration
predicted to get a seat needs no count before the lock, unless a limit may be reached,
where the prediction would be wrong and the request made again, lock first. And a
registration predicted to wait needs one: the count that found the limit reached is what
lets it wait without a count under the lock.

So the count before the lock is made only in the series (at their current `version`) in
which this process saw a registration wait: elsewhere a registration is predicted to get a
seat, without a count. In a series that fills up, the first registration to find it full in
each process is made twice (predicted, then lock first); every later one counts, as before.
In the common case, a series with hard limits far from reached, each registration counts
its seats once instead of twice, and that count grows with the series (`docs/performance.md`,
tenth round). A process keeps the last `MAX_SERIES`; a changed series has a new version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from webinars.series.models import Series

#: Series versions remembered per process (those with a full limit are a handful).
MAX_SERIES = 256

_found: OrderedDict[tuple[int, int], None] = OrderedDict()
#: Held while `_found` changes (a threaded server serves requests at once).
_changing = threading.Lock()


def found_reached(series: Series) -> None:
    """Remember that a registration of `series`, as it is now, had to wait."""
    key = (series.id, series.version)
    with _changing:
        _found[key] = None
        _found.move_to_end(key)
        while len(_found) > MAX_SERIES:
            _found.popitem(last=False)


def may_be_reached(series: Series) -> bool:
    """Whether a registration of `series` should count its seats before the lock."""
    return (series.id, series.version) in _found
