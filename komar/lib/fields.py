"""Form fields that never turn what a browser sends into a server error."""

from __future__ import annotations

from typing import Any

from django import forms

# The range of a 64-bit primary key on every database Komar runs on.
PK_MIN, PK_MAX = -(2**63), 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing values no primary key can have before it queries.

    Django's own field passes them to a `pk__in` lookup, which SQLite answers with an
    OverflowError (a 500) for an integer beyond 64 bits: "Python int too large to convert to
    SQLite INTEGER". The same "not a valid value" message is shown instead.
    """

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # Django's own check gives its message
            if not PK_MIN <= number <= PK_MAX:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private: not in the stubs
