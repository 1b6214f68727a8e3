"""Conversion between Python snake_case and the API's camelCase JSON.

The v1 API sends booleans and numbers both as JSON values and as strings
(``"enabled": "true"``), so parsing is lenient; everything the model does not
name is kept in ``extra`` so nothing the server says is ever dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar, Self, get_type_hints

__all__ = ["WireModel", "camel", "query_value", "wire_dict", "wire_keys", "wire_value"]

_WIRE_MAPS: dict[type, dict[str, tuple[str, Any]]] = {}


def camel(name: str) -> str:
    """Turn a Python keyword name into its wire name (``from_`` -> ``from``, ``call_ids`` -> ``callIds``)."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire_value(value: Any) -> Any:
    """Prepare one value for a JSON body: models and mappings become camelCase dicts."""
    if isinstance(value, WireModel):
        return value.to_wire()
    if isinstance(value, Mapping):
        return {str(k): wire_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire_value(v) for v in value]
    return value


def wire_keys(value: Mapping[str, Any]) -> dict[str, Any]:
    """A caller's dict for a nested body (``prompt``, ``whisperAudio``): snake_case keys become camelCase."""
    return {camel(k) if "_" in k else k: wire_value(v) for k, v in value.items()}


def wire_dict(**fields: Any) -> dict[str, Any]:
    """Build a camelCase body or query from keyword arguments, leaving out the ``None`` ones."""
    return {camel(k): wire_value(v) for k, v in fields.items() if v is not None}


def query_value(value: Any) -> str:
    """Render a query-string value the way the API's examples do (``true``, not ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _coerce(value: Any, hint: Any) -> Any:
    allowed = set(getattr(hint, "__args__", ()) or ()) | {hint}
    if isinstance(value, str) and bool in allowed and str not in allowed:
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
    if isinstance(value, str) and int in allowed and str not in allowed:
        try:
            return int(value)
        except ValueError:
            return value
    if isinstance(value, Mapping):
        nested = _model_in(hint)
        if nested is not None:
            return nested.from_wire(value)
    if isinstance(value, list):
        nested = _model_in(hint)
        if nested is not None:
            return [nested.from_wire(v) if isinstance(v, Mapping) else v for v in value]
    return value


def _model_in(hint: Any) -> type[WireModel] | None:
    for arg in getattr(hint, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    if isinstance(hint, type) and issubclass(hint, WireModel):
        return hint
    return None


@dataclasses.dataclass
class WireModel:
    """Base for API resources: ``from_wire`` parses camelCase JSON, ``to_wire`` writes it back.

    Subclasses are dataclasses whose fields all default to ``None`` (the API omits
    unset properties) and end with ``extra``, which keeps unknown properties.
    """

    WIRE_NAMES: ClassVar[Mapping[str, str]] = {}
    """Field -> wire name where ``camel()`` gets it wrong (``skipMMSCarrierValidation``)."""

    extra: dict[str, Any] = dataclasses.field(default_factory=dict, kw_only=True)
    """Properties the server sent that this model does not document."""

    @classmethod
    def _wire_map(cls) -> dict[str, tuple[str, Any]]:
        cached = _WIRE_MAPS.get(cls)
        if cached is not None:
            return cached
        hints = get_type_hints(cls)
        _WIRE_MAPS[cls] = {
            cls.WIRE_NAMES.get(f.name, camel(f.name)): (f.name, hints[f.name])
            for f in dataclasses.fields(cls)
            if f.name != "extra"
        }
        return _WIRE_MAPS[cls]

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Self:
        """Parse one JSON object; unknown keys go to ``extra``."""
        known = cls._wire_map()
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in data.items():
            if key in known:
                name, hint = known[key]
                values[name] = _coerce(value, hint)
            else:
                extra[key] = value
        return cls(**values, extra=extra)

    def to_wire(self) -> dict[str, Any]:
        """The camelCase JSON object for this model, without unset properties, extras included."""
        out: dict[str, Any] = {}
        for wire_name, (name, _hint) in self._wire_map().items():
            value = getattr(self, name)
            if value is not None:
                out[wire_name] = wire_value(value)
        out.update(self.extra)
        return out
