"""Errors a learner can act on: :class:`CivicDataError` and every one of its subclasses, in one place.

Every error this package raises says what happened and what to do next, in plain words. In a
notebook the message is shown without a long traceback from inside other libraries. The subclasses
are grouped by the layer that raises them (data, margins of error, maps, classroom).

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


# Getting data


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


class PlaceExistsError(CivicDataError, FileExistsError):
    """A place folder with this name exists already (prefetch never overwrites without ``force``)."""


# Margins of error


class MoeValueError(CivicDataError, ValueError):
    """A value that cannot be a margin of error (negative), or a confidence level outside 0-1."""


# Maps and print


class MapError(CivicDataError, ValueError):
    """A map cannot be drawn from what was passed (a missing column, an unknown scheme...)."""


class OfflineMapError(CivicDataError):
    """A map cannot be made self-contained (it needs a library we do not bundle)."""


# Classroom


class UnknownExerciseError(CivicDataError, LookupError):
    """``check_answer`` was given an exercise id that is not in ``EXERCISES``."""


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
