"""Errors a user can cause; front ends print their message on one line, no traceback."""


class UserError(Exception):
    """A problem the user can fix; the message says how."""


class ModelUnavailable(UserError):
    """The configured embedding model cannot be loaded offline."""


class IndexMismatch(UserError):
    """The index was built with another embedding model than the one configured."""


class StoreUnavailable(UserError):
    """The Chroma server or data directory cannot be reached."""


class StoreBusy(UserError):
    """Another process holds the embedded index for writing."""
