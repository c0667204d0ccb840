"""JSON bodies: a nesting deep enough to exhaust the parser is a bad request, not a crash."""

from flask.json.provider import DefaultJSONProvider


class SafeJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        """As Flask's; "[[[[...]]]]" nested past Python's recursion limit raises ValueError,
        which request.get_json() turns into a 400 (or None when silent)."""
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error
