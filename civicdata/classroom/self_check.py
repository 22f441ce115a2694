"""Self-checks for the notebook exercises and questions: tell a learner whether an answer is right, never
what it is, and name the likely mistake when it is not.

:func:`check_answer` looks the exercise up in :data:`~civicdata.classroom.exercises.EXERCISES`, computes
the expected answer from the data and compares. Answers are compared like this: numbers within
``tolerance`` (absolute); text ignoring upper/lower case and spaces at either end; a tuple or list item
by item; a set of accepted texts means any one of them is right; an exercise with ``validate`` lists the
problems it finds (none means correct). A wrong answer that matches one of the exercise's usual
mistakes gets that mistake's hint ("that is the ratio formula..."); any other gets the general hint.

:func:`show_question` and :func:`check_choice` do the same for the multiple-choice questions of
:data:`~civicdata.classroom.questions.QUESTIONS`, with feedback for every option.

Example:
    >>> check_answer("00-total-population", None)
    Not answered yet: replace None with your answer, run that cell again, then run this one.
    >>> check_choice("acs-variable-code", "a")
    Not quite: E at the end means the estimate; the margin of error ends in M. Try another option.
"""

from __future__ import annotations

import numbers
import textwrap
from typing import Any

import pandas as pd

from civicdata.classroom.exercises import EXERCISES, Exercise, Mistake
from civicdata.classroom.questions import QUESTIONS, Question
from civicdata.core.errors import CivicDataError, UnknownExerciseError


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
        return
    mistake = recognized_mistake(exercise, answer)
    if mistake is not None:
        print(f"Not yet: {mistake.hint}")
    else:
        print(f"Not yet: {exercise.hint}{_kind_tip(answer, expected)}")


def recognized_mistake(exercise: Exercise, answer: Any) -> Mistake | None:
    """The first of the exercise's usual mistakes that ``answer`` matches (None if it matches none).

    Call it only for an answer that is not right: a mistake is recognized within its own tolerance (or
    the exercise's), computed from the data with the wrong method.

    Example:
        >>> from civicdata.classroom.exercises import renter_households
        >>> recognized_mistake(EXERCISES["03-renters"], renter_households() + 1) is None
        True
    """
    for mistake in exercise.mistakes:
        try:
            wrong = mistake.answer()
        except (CivicDataError, KeyError, IndexError, ValueError, OSError):
            continue  # this mistake cannot be computed for the current place: skip it, keep the others
        tolerance = exercise.tolerance if mistake.tolerance is None else mistake.tolerance
        if _same(answer, wrong, tolerance):
            return mistake
    return None


# --- multiple-choice questions ------------------------------------------------------------------------


def _question(question_id: str) -> Question:
    try:
        build = QUESTIONS[question_id]
    except KeyError:
        known = ", ".join(sorted(QUESTIONS))
        raise UnknownExerciseError(
            f"There is no question called {question_id!r}.",
            hint=f"Check the spelling in the notebook. Known questions: {known}.",
        ) from None
    return build()


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=" " * len(indent))


def show_question(question_id: str) -> None:
    """Print a multiple-choice question (computed from the bundled data) with its lettered options.

    Example:
        >>> show_question("acs-variable-code")  # doctest: +ELLIPSIS
        Table B25003 (Tenure) has these lines: 001 Total; 002 Owner occupied; 003 Renter occupied. Which
        column holds the margin of error of the number of renter households?
        <BLANKLINE>
          a) B25003_003E
          b) B25003_003M
        ...
        Answer with check_choice("acs-variable-code", "a"), putting your letter in place of a.
    """
    question = _question(question_id)
    print(_wrap(question.prompt))
    print()
    for letter, text in question.options.items():
        print(_wrap(text, f"  {letter}) "))
    print()
    print(f'Answer with check_choice("{question_id}", "a"), putting your letter in place of a.')


def check_choice(question_id: str, choice: str | None) -> None:
    """Print whether ``choice`` (a letter such as ``"b"``) is the right option, with feedback for it.

    Every option has its own feedback: a wrong one says which mistake it stands for, so a learner can
    think again and try another letter. ``None`` or an empty text (the lessons' ``my_choice = ""``) is
    not an answer yet.

    Example:
        >>> check_choice("acs-variable-code", "B")
        Correct! Line 003 is renter occupied, and M is its margin of error.
    """
    question = _question(question_id)
    letters = ", ".join(f'"{letter}"' for letter in question.options)
    if choice is None or (isinstance(choice, str) and not choice.strip()):
        print(f"Not answered yet: put the letter of your choice in quotes ({letters}), for example "
              'my_choice = "a", then run this cell again.')
        return
    letter = str(choice).strip().strip("()").strip().casefold()
    if letter not in question.options:
        print(f"Choose one of the letters {letters}, in quotes, for example check_choice(\"{question_id}\", "
              "\"a\").")
        return
    feedback = question.feedback[letter]
    if letter == question.answer:
        print(f"Correct! {feedback}")
    else:
        print(f"Not quite: {feedback} Try another option.")
