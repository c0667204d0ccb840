"""Ids from URLs: what an INTEGER column can hold, and nothing larger.

An id past 2^63 in a path or in ?list= overflowed SQLite's driver (OverflowError) and
PostgreSQL's int4 (NumericValueOutOfRange): a 500 for what is only a wrong address.
"""

from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds (PostgreSQL's int4): a larger one names nothing.
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """<int:...> in a route: an id above MAX_ID matches no route (404) instead of
    overflowing the database driver (500)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_from(raw) -> int:
    """An id sent as text (?list=7): the id, or 0 for anything that cannot be one."""
    try:
        value = int(str(raw or "0").strip())
    except ValueError:
        return 0
    return value if 0 < value <= MAX_ID else 0
