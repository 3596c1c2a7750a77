"""Request models shared by the reference-data routes."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.domain.models import Strict


class PatchBody(Strict):
    """A partial update: the fields sent are changed, ``version`` names the version read.

    ``null`` clears a field only where ``nullable`` allows it.
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    version: int = Field(ge=1, description="the version the change is based on")

    @model_validator(mode="after")
    def _no_null_for_required(self) -> PatchBody:
        for name in self.model_fields_set:
            if getattr(self, name) is None and name not in self.nullable:
                raise PydanticCustomError("missing", "may not be null", {"field": name})
        return self

    def changes(self) -> dict[str, Any]:
        """The fields sent, as stored values (enums as strings)."""
        data = self.model_dump(mode="json", exclude_unset=True)
        data.pop("version", None)
        return data
