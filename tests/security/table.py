"""The matrix's cell builder, shared by tests/security/test_url_matrix.py and the areas'
tables in tests/security/extra_*.py."""


class K:
    """How to build a pattern's kwargs from the world: "@name" is an object's pk (or, for a
    string, the value itself), anything else is literal; `query` is added as ?query."""

    def __init__(self, query=None, path=None, **kwargs):
        self.query = query or {}
        self.path = path  # for a pattern with no name, which reverse() cannot build
        self.kwargs = kwargs

    def build(self, world):
        built = {}
        for name, value in self.kwargs.items():
            if isinstance(value, str) and value.startswith("@"):
                value = getattr(world, value[1:])
                value = getattr(value, "pk", value)
            built[name] = value
        return built


NONE = K()
