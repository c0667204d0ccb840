"""Enums whose members carry their label, so a status or role is named in one place."""

import enum


class LabelledEnum(enum.StrEnum):
    """A StrEnum declared as `NAME = "value", _l("Label")`; `member.label` is the label.

    The value is what the database and the API hold; the label (lazily translated) is what
    pages, documents and exports show.
    """

    label: object

    def __new__(cls, value: str, label: object = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member

    @classmethod
    def label_for(cls, value: str | None, default: "LabelledEnum | None" = None) -> object:
        """The label of a stored value; an unknown one is shown as it is, or as `default`."""
        try:
            return cls(value).label
        except ValueError:
            return default.label if default is not None else value or ""
