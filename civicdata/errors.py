"""Errors a learner can act on.

Every error this package raises says what happened and what to do next, in plain words. In a
notebook the message is shown without a long traceback from inside other libraries.

Example:
    >>> err = NoApiKeyError("Live Census data needs an API key.", hint="Use the bundled place instead.")
    >>> print(err)
    Live Census data needs an API key.
    What to do: Use the bundled place instead.
"""

from __future__ import annotations


class CivicDataError(Exception):
    """Base class: a message for the learner plus a next step (``hint``)."""

    def __init__(self, message: str, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message}\nWhat to do: {hint}")


class PlaceNotFoundError(CivicDataError, LookupError):
    """A state or county name, abbreviation or FIPS code that we cannot match."""


class VariableNotFoundError(CivicDataError, LookupError):
    """An ACS variable or table code that does not exist (or is not in the data at hand)."""


class YearNotSupportedError(CivicDataError, ValueError):
    """A year the ACS 5-year API (or the bundled data) does not cover."""


class DataNotAvailableError(CivicDataError):
    """Neither the bundled data nor the live API can answer this request."""


class NoApiKeyError(CivicDataError):
    """Live data was needed but no Census API key is configured."""


class InvalidApiKeyError(CivicDataError):
    """The Census API rejected the key."""


class CensusUnreachableError(CivicDataError):
    """The Census API did not answer: no network, a timeout or a blocked connection."""


class CensusServerError(CivicDataError):
    """The Census API answered with an error or with something that is not data."""


class EmptyResultError(CivicDataError):
    """The request was valid but returned no rows."""


class DataIntegrityError(CivicDataError):
    """A bundled file is missing or does not match its recorded checksum."""


def _show_in_notebook(shell, etype, value, tb, tb_offset=None):  # pragma: no cover - needs IPython
    """IPython handler: show our own errors as a short message instead of a long traceback."""
    shell._showtraceback(etype, value, [f"{etype.__name__}: {value}"])


def install_notebook_handler() -> None:
    """In IPython/Jupyter, show :class:`CivicDataError` as its message only. Safe to call anywhere."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((CivicDataError,), _show_in_notebook)
