"""The fuzzy target as it crosses the API: a structured object out, words or an object in."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from roadmap.targets import Precision, Qualifier, Target


class TargetSerializer(serializers.Serializer):
    """A fuzzy target: an interval of days, a precision, a qualifier and its words."""

    precision = serializers.ChoiceField(
        choices=Precision.choices, help_text="How precise the target is."
    )
    start = serializers.DateField(
        allow_null=True, required=False, help_text="First day of the interval (null if undated)."
    )
    end = serializers.DateField(
        allow_null=True, required=False, help_text="Last day of the interval (null if undated)."
    )
    qualifier = serializers.ChoiceField(
        choices=Qualifier.choices,
        default=Qualifier.ON,
        help_text="on: within the interval; by: at the latest by its end; not_before: not before "
        "its start.",
    )
    wording = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=200,
        help_text="The words the source used, e.g. “before Q3 2025”.",
    )
    words = serializers.CharField(
        read_only=True, help_text="The target in words, in the requested language."
    )
    deadline = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The last day that is still on target (null for undated or not-before targets).",
    )


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "Words: “before Q3 2025”, “July 2026”, “TBD”."},
            {"$ref": "#/components/schemas/Target"},
        ]
    }
)
class TargetField(serializers.Field):
    """Read a target from words ("before Q3 2025") or from a structured object; write it as one."""

    default_error_messages = {"invalid": "Give the target as words or as an object."}

    def to_representation(self, target: Target):
        return target_data(target)

    def to_internal_value(self, data) -> Target:
        try:
            if isinstance(data, str):
                return Target.parse(data)
            if isinstance(data, dict):
                nested = TargetSerializer(data=data)
                nested.is_valid(raise_exception=True)
                values = nested.validated_data
                target = Target(
                    precision=Precision(values["precision"]),
                    start=values.get("start"),
                    end=values.get("end"),
                    qualifier=Qualifier(values["qualifier"]),
                    wording=values["wording"],
                )
                target.validate()
                return target
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        self.fail("invalid")


def target_data(target: Target) -> dict:
    """Return the target as the API shows it (the ``Target`` schema)."""
    return {
        "precision": target.precision.value,
        "start": target.start.isoformat() if target.start else None,
        "end": target.end.isoformat() if target.end else None,
        "qualifier": target.qualifier.value,
        "wording": target.wording,
        "words": target.words(),
        "deadline": target.deadline.isoformat() if target.deadline else None,
    }
