"""Self-checks for the notebook exercises: tell a learner whether an answer is right, never what it is.

:func:`check_answer` looks the exercise up in :data:`~civicdata.classroom.exercises.EXERCISES`, computes
the expected answer from the data and compares. Answers are compared like this: numbers within
``tolerance`` (absolute); text ignoring upper/lower case and spaces at either end; a tuple or list item
by item; a set of accepted texts means any one of them is right; an exercise with ``validate`` lists the
problems it finds (none means correct).

Example:
    >>> check_answer("00-total-population", None)
    Not answered yet: replace None with your answer, run that cell again, then run this one.
"""

from __future__ import annotations

import numbers
from typing import Any

import pandas as pd

from civicdata.classroom.exercises import EXERCISES, Exercise
from civicdata.core.errors import UnknownExerciseError


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _same(answer: Any, expected: Any, tolerance: float) -> bool:
    """True when ``answer`` matches ``expected`` (see the module docstring for the rules)."""
    if isinstance(expected, (set, frozenset)):
        return any(_same(answer, option, tolerance) for option in expected)
    if isinstance(expected, (tuple, list)):
        if not isinstance(answer, (tuple, list)) or len(answer) != len(expected):
            return False
        return all(_same(a, e, tolerance) for a, e in zip(answer, expected, strict=True))
    if _is_number(expected):
        if not _is_number(answer) or pd.isna(answer):
            return False
        return abs(float(answer) - float(expected)) <= tolerance + 1e-9
    if isinstance(expected, str):
        return isinstance(answer, str) and answer.strip().casefold() == expected.strip().casefold()
    return answer == expected


def _kind_tip(answer: Any, expected: Any) -> str:
    """A tip about the *kind* of answer (never its value), or an empty string."""
    sample = next(iter(expected)) if isinstance(expected, (set, frozenset)) else expected
    if isinstance(answer, (pd.Series, pd.DataFrame)) and _is_number(sample):
        return " (Your answer is a column or table; this exercise needs one number, e.g. add .sum().)"
    if _is_number(sample) and isinstance(answer, str):
        return " (Write the number without quotes.)"
    if isinstance(sample, str) and _is_number(answer):
        return " (Put the answer in quotes, like \"text\", so that leading zeros survive.)"
    if isinstance(sample, (tuple, list)) and isinstance(answer, (tuple, list)):
        if len(answer) != len(sample):
            return f" (This exercise needs {len(sample)} parts.)"
        tips = [_kind_tip(a, e) for a, e in zip(answer, sample, strict=True)]
        return next((tip for tip in tips if tip), "")
    return ""


def _unanswered(answer: Any) -> bool:
    """``None``, or a tuple/list whose parts are all still ``None``."""
    if isinstance(answer, (tuple, list)) and answer:
        return all(part is None for part in answer)
    return answer is None


def is_correct(exercise_id: str, answer: Any) -> bool:
    """Whether ``answer`` is right for ``exercise_id``; no printing (used by tests and facilitators).

    Example:
        >>> is_correct("02-decode-geoid", ("42", "003", "020100"))
        True
    """
    exercise = _exercise(exercise_id)
    if _unanswered(answer):
        return False
    if exercise.validate is not None:
        return not exercise.validate(answer)
    return _same(answer, exercise.expected(), exercise.tolerance)


def _exercise(exercise_id: str) -> Exercise:
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        known = ", ".join(sorted(EXERCISES))
        raise UnknownExerciseError(
            f"There is no exercise called {exercise_id!r}.",
            hint=f"Check the spelling in the notebook. Known exercises: {known}.",
        ) from None


def check_answer(exercise_id: str, answer: Any) -> None:
    """Print whether ``answer`` is right for ``exercise_id``, with a hint when it is not.

    The expected answer is never shown, so a learner can try again.

    Example:
        >>> check_answer("02-decode-geoid", ("42", "003", "020100"))
        Correct! Well done.
        >>> check_answer("02-decode-geoid", ("42", "3", "020100"))  # doctest: +ELLIPSIS
        Not yet: count the digits from the left...
    """
    exercise = _exercise(exercise_id)
    if _unanswered(answer):
        print("Not answered yet: replace None with your answer, run that cell again, then run this one.")
        return
    if exercise.validate is not None:
        problems = exercise.validate(answer)
        if problems:
            print("Not yet: " + "; ".join(problems) + ".")
        else:
            print("Correct! Well done.")
        return
    expected = exercise.expected()
    if _same(answer, expected, exercise.tolerance):
        print("Correct! Well done.")
    else:
        print(f"Not yet: {exercise.hint}{_kind_tip(answer, expected)}")
