"""Models parse the API's JSON leniently, keep unknown properties, and write camelCase back."""

from __future__ import annotations

import dataclasses

import pytest

import bwconsole.api as api
from bwconsole.api import models


def test_call_parses_documented_example_with_string_scalars() -> None:
    call = api.Call.from_wire(
        {
            "id": "c-bonay3r4mtwbplurq4nkt7q",
            "from": "+19195551212",
            "to": "sip:jsmith@doname.bwapp.bwsipp.io",
            "recordingEnabled": "false",
            "callTimeout": "30",
            "sipHeaders": {"X-Tag": "1"},
            "futureField": [1, 2],
        }
    )
    assert call.from_ == "+19195551212"
    assert call.recording_enabled is False
    assert call.call_timeout == 30
    assert call.sip_headers == {"X-Tag": "1"}
    assert call.extra == {"futureField": [1, 2]}


def test_to_wire_round_trips_including_extras() -> None:
    wire = {
        "id": "m-1",
        "from": "+1",
        "skipMMSCarrierValidation": True,
        "media": ["https://a"],
        "segmentCount": 2,
        "unknown": {"nested": True},
    }
    message = api.Message.from_wire(wire)
    assert message.skip_mms_carrier_validation is True
    assert message.to_wire() == wire


def test_nested_models_are_parsed() -> None:
    endpoint = api.Endpoint.from_wire(
        {"id": "ep-1", "enabled": "true", "credentials": {"realm": "r", "username": "u", "x": 1}}
    )
    assert endpoint.credentials == api.EndpointCredentials(realm="r", username="u", extra={"x": 1})
    error = api.UserError.from_wire({"details": [{"name": "requestMethod", "value": "GET"}]})
    assert error.details == [api.ErrorDetail(name="requestMethod", value="GET")]


def test_unparseable_scalars_are_kept_as_sent() -> None:
    assert api.Transcription.from_wire({"textSize": "lots"}).text_size == "lots"
    assert api.Bridge.from_wire({"bridgeAudio": "maybe"}).bridge_audio == "maybe"


@pytest.mark.parametrize(
    "location, expected",
    [
        ("/v1/users/u-1/calls/c-abc", "c-abc"),
        ("https://api.test/v1/users/u-1/phoneNumbers/n-1/", "n-1"),
        ("/v1/users/u-1/media/my%20file.wav", "my file.wav"),
        ("", None),
        (None, None),
    ],
)
def test_last_segment(location: str | None, expected: str | None) -> None:
    assert models.last_segment(location) == expected


def test_every_model_field_defaults_to_none() -> None:
    for name in models.__all__:
        obj = getattr(models, name)
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj is not models.WireModel:
            instance = obj()
            assert instance.to_wire() == {}, name


def test_public_names_are_sorted_and_importable() -> None:
    # Constants first, then classes, each alphabetically (ruff's __all__ order).
    assert api.__all__ == sorted(api.__all__, key=lambda n: (not n.isupper(), n))
    assert len(set(api.__all__)) == len(api.__all__)
    for name in api.__all__:
        assert getattr(api, name) is not None
