"""URL converters: an `<int:…>` id larger than the database's integers is a 404, not a crash."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter


class DatabaseIntegerConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
