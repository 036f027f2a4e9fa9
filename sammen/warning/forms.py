"""Forms of the early-warning pages: the school's standard, and the answer to a flag.

The standard form is built from ``Standard`` itself: a fieldset per rule with its "on" box and its
numbers (field names ``<rule>__<parameter>``), each number with a range that keeps the rule
meaningful. The ranges are wide on purpose: the school decides, the form only stops numbers that
would make a rule flag everyone or no one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sammen.warning import explain
from sammen.warning.models import Answer, DismissReason
from sammen.warning.standard import Rule, Standard

SEP = "__"


@dataclass(frozen=True)
class Param:
    label: Promise
    low: float
    high: float
    whole: bool = True  # a count; otherwise a number that may have decimals
    unit: str = ""  # shown after the input ("%")


PARAMS: dict[str, dict[str, Param]] = {
    Rule.RATE_YEAR: {
        "percent": Param(gettext_lazy("Flag at this share of lessons missed"), 1, 50, False, "%"),
        "severe_percent": Param(gettext_lazy("Level 3 from this share"), 1, 100, False, "%"),
        "min_days": Param(gettext_lazy("Only after this many school days"), 1, 100),
    },
    Rule.RATE_RECENT: {
        "percent": Param(gettext_lazy("Share of lessons missed"), 1, 100, False, "%"),
        "days": Param(gettext_lazy("Over the last school days"), 5, 60),
    },
    Rule.DAYS_IN_15_WEEKS: {
        "days": Param(gettext_lazy("Absence days"), 1, 100),
        "weeks": Param(gettext_lazy("Within weeks"), 1, 40),
    },
    Rule.CONSECUTIVE: {
        "days": Param(gettext_lazy("School days in a row"), 2, 20),
    },
    Rule.WEEKDAY: {
        "times": Param(gettext_lazy("Absent at least this many times"), 1, 20),
        "of_last": Param(gettext_lazy("Of the last of that weekday"), 2, 20),
        "ratio": Param(gettext_lazy("And at least this many times the other days"), 1, 10, False),
    },
    Rule.LATE: {
        "times": Param(gettext_lazy("Late or absent from the first lesson, times"), 1, 50),
        "days": Param(gettext_lazy("Within school days"), 5, 60),
    },
    Rule.SUBJECT: {
        "percent": Param(gettext_lazy("Share of the subject's lessons missed"), 1, 100, False, "%"),
        "weeks": Param(gettext_lazy("Over weeks"), 1, 20),
        "ratio": Param(gettext_lazy("And at least this many times other lessons"), 1, 10, False),
    },
    Rule.SICK_EPISODES: {
        "episodes": Param(gettext_lazy("Short sick periods"), 2, 20),
        "max_length": Param(gettext_lazy("A short period lasts at most (days)"), 1, 5),
        "days": Param(gettext_lazy("Within school days"), 10, 120),
    },
    Rule.RISING: {
        "percent": Param(gettext_lazy("Recent absence at least"), 1, 100, False, "%"),
        "ratio": Param(gettext_lazy("And at least this many times before"), 1, 10, False),
        "recent_weeks": Param(gettext_lazy("Recent weeks"), 1, 10),
        "before_weeks": Param(gettext_lazy("Compared with the weeks before"), 1, 20),
    },
    Rule.UNEXPLAINED: {
        "days": Param(gettext_lazy("Days with unexplained absence"), 1, 20),
        "window": Param(gettext_lazy("Within school days"), 5, 60),
    },
}
ANSWER_WITHIN = Param(gettext_lazy("Answer a flag within (school days)"), 1, 20)


def _range_message(param: Param) -> str:
    low, high = _plain(param.low), _plain(param.high)
    if param.whole:
        return _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value).replace(".", ",")


def _number_field(param: Param) -> forms.Field:
    message = _range_message(param)
    errors = {"min_value": message, "max_value": message, "invalid": message, "required": message}
    attrs = {"inputmode": "numeric" if param.whole else "decimal", "class": "number-input"}
    if param.whole:
        return forms.IntegerField(
            label=str(param.label),
            min_value=int(param.low),
            max_value=int(param.high),
            error_messages=errors,
            widget=forms.NumberInput(attrs=attrs),
        )
    # Text, not a number input: browsers disagree on the decimal comma in type="number".
    return forms.FloatField(
        label=str(param.label),
        min_value=param.low,
        max_value=param.high,
        error_messages=errors,
        localize=True,
        widget=forms.TextInput(attrs=attrs),
    )


@dataclass(frozen=True)
class RuleFieldset:
    rule: str
    name: str
    on: forms.BoundField
    numbers: list[tuple[forms.BoundField, str]]  # the field and its unit


class StandardForm(forms.Form):
    """The school's standard: a fieldset per rule, and the deadline for answering."""

    answer_within_days = forms.IntegerField()

    def __init__(self, *args: Any, standard: Standard | None = None, **kwargs: Any) -> None:
        standard = standard or Standard()
        kwargs.setdefault("initial", _initial(standard))
        super().__init__(*args, **kwargs)
        self.fields["answer_within_days"] = _number_field(ANSWER_WITHIN)
        for rule in Rule.ALL:
            self.fields[f"{rule}{SEP}on"] = forms.BooleanField(
                label=_("Use this rule"), required=False
            )
            for name, param in PARAMS[rule].items():
                self.fields[f"{rule}{SEP}{name}"] = _number_field(param)

    def fieldsets(self) -> Iterator[RuleFieldset]:
        for rule in Rule.ALL:
            yield RuleFieldset(
                rule=rule,
                name=explain.rule_name(rule),
                on=self[f"{rule}{SEP}on"],
                numbers=[(self[f"{rule}{SEP}{n}"], p.unit) for n, p in PARAMS[rule].items()],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._at_most(data, Rule.RATE_YEAR, "percent", "severe_percent", strictly=True)
        self._at_most(data, Rule.WEEKDAY, "times", "of_last")
        days = data.get(f"{Rule.DAYS_IN_15_WEEKS}{SEP}days")
        weeks = data.get(f"{Rule.DAYS_IN_15_WEEKS}{SEP}weeks")
        if days is not None and weeks is not None and days > weeks * 5:
            self.add_error(
                f"{Rule.DAYS_IN_15_WEEKS}{SEP}days",
                _("There are only %(n)d school days in %(weeks)d weeks.")
                % {"n": weeks * 5, "weeks": weeks},
            )
        return data

    def _at_most(
        self, data: dict[str, Any], rule: str, low: str, high: str, *, strictly: bool = False
    ) -> None:
        a, b = data.get(f"{rule}{SEP}{low}"), data.get(f"{rule}{SEP}{high}")
        if a is None or b is None or a < b or (a == b and not strictly):
            return
        other = PARAMS[rule][low].label
        message = (
            _("Must be more than “%(other)s”.") if strictly else _("Must be at least “%(other)s”.")
        )
        self.add_error(f"{rule}{SEP}{high}", message % {"other": other})

    def standard(self) -> Standard:
        """The standard the valid form describes."""
        data = self.cleaned_data
        base = Standard()
        changes: dict[str, Any] = {"answer_within_days": data["answer_within_days"]}
        for rule in Rule.ALL:
            current = getattr(base, rule)
            values: dict[str, Any] = {"on": bool(data.get(f"{rule}{SEP}on"))}
            for f in fields(current):
                if f.name in PARAMS[rule]:
                    values[f.name] = data[f"{rule}{SEP}{f.name}"]
            changes[rule] = replace(current, **values)
        return replace(base, **changes)


def _initial(standard: Standard) -> dict[str, Any]:
    initial: dict[str, Any] = {"answer_within_days": standard.answer_within_days}
    for rule in Rule.ALL:
        current = getattr(standard, rule)
        initial[f"{rule}{SEP}on"] = current.on
        for name in PARAMS[rule]:
            value = getattr(current, name)
            # 10, not "10,0": a whole number reads as one.
            whole = isinstance(value, float) and value.is_integer()
            initial[f"{rule}{SEP}{name}"] = int(value) if whole else value
    return initial


class AnswerForm(forms.Form):
    """The answer to one flag. A reason is asked for, and kept, only for a dismissal."""

    answer = forms.ChoiceField(
        label=gettext_lazy("Answer"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose an answer.")},
    )
    dismiss_reason = forms.ChoiceField(
        label=gettext_lazy("Reason for dismissing"),
        choices=[("", "—"), *((value, capfirst(label)) for value, label in DismissReason.choices)],
        required=False,
        help_text=gettext_lazy("Needed when the flag is dismissed."),
    )
    note = forms.CharField(
        label=gettext_lazy("Short note"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("No health details: the reason above says what is needed."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == Answer.DISMISSED:
            if not data.get("dismiss_reason"):
                self.add_error("dismiss_reason", _("Give a reason for dismissing the flag."))
        else:
            # A reason left selected before the teacher chose another answer is not kept.
            data["dismiss_reason"] = ""
        return data
