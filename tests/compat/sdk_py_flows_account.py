"""bandwidth-sdk 3.1.0 flows for the account-side families, each as the SDK's docstrings show."""

from __future__ import annotations

import io
import re

import bandwidth
import pytest
from bandwidth.account import BandwidthAccountAPIException
from bandwidth.messaging import BandwidthMessageAPIException

from compat.sdk_py_context import SdkContext
from compat.sdk_py_registry import eventually, flow, unique

E164 = re.compile(r"^\+1\d{10}$")


@flow("account", "get account")
def account_info(ctx: SdkContext) -> None:
    info = ctx.account.get_account()
    assert isinstance(info["balance"], str) and float(info["balance"]) > 0
    assert info["account_type"] in ("pre-pay", "post-pay")


@flow("account", "list transactions")
def account_transactions(ctx: SdkContext) -> None:
    ctx.our_number()  # ordering charges the account
    transactions = list(ctx.account.list_account_transactions(size=2))
    types = {t["type"] for t in transactions}
    assert "charge" in types or "credit" in types
    assert all(isinstance(t["amount"], str) for t in transactions)
    charges = list(ctx.account.list_account_transactions(trans_type="charge"))
    assert charges and all(t["type"] == "charge" for t in charges)


@flow("applications", "create, get, list, update, delete")
def applications_crud(ctx: SdkContext) -> None:
    name = unique("app")
    app_id = ctx.account.create_application(
        name=name, incoming_call_url="http://example.com/calls", auto_answer=True
    )
    assert app_id and app_id.startswith("a-")
    got = ctx.account.get_application(app_id)
    assert got["name"] == name and got["incoming_call_url"] == "http://example.com/calls"
    assert got["auto_answer"] is True
    assert app_id in [a["id"] for a in ctx.account.list_applications(size=1)]
    ctx.account.update_application(app_id, name=name + "-renamed", auto_answer=False)
    got = ctx.account.get_application(app_id)
    assert got["name"] == name + "-renamed" and got["auto_answer"] is False
    ctx.account.delete_application(app_id)
    with pytest.raises(BandwidthAccountAPIException) as missing:
        ctx.account.get_application(app_id)
    assert missing.value.status_code == 404


@flow("available numbers", "search local")
def search_local(ctx: SdkContext) -> None:
    found = ctx.account.search_available_local_numbers(area_code="919", quantity=3)
    assert len(found) == 3
    assert all(E164.match(n["number"]) and n["number"].startswith("+1919") for n in found)
    assert all(n["national_number"].startswith("(919)") for n in found)
    by_city = ctx.account.search_available_local_numbers(city="Cary", state="NC", quantity=2)
    assert by_city and all(n["city"].lower() == "cary" for n in by_city)


@flow("available numbers", "search toll-free")
def search_toll_free(ctx: SdkContext) -> None:
    found = ctx.account.search_available_toll_free_numbers(quantity=2)
    assert len(found) == 2 and all(E164.match(n["number"]) for n in found)
    patterned = ctx.account.search_available_toll_free_numbers(quantity=1, pattern="*2?9*")
    assert len(patterned) == 1


@flow("available numbers", "search and order local")
def search_and_order_local(ctx: SdkContext) -> None:
    ordered = ctx.account.search_and_order_local_numbers(zip_code="27601", quantity=1)
    assert len(ordered) == 1 and ordered[0]["id"].startswith("n-")
    assert ctx.account.get_phone_number(ordered[0]["id"])["number"] == ordered[0]["number"]


@flow("available numbers", "search and order toll-free")
def search_and_order_toll_free(ctx: SdkContext) -> None:
    ordered = ctx.account.search_and_order_toll_free_numbers(quantity=1)
    assert len(ordered) == 1 and ordered[0]["id"].startswith("n-")
    assert ordered[0]["number"].startswith("+18")


@flow("phone numbers", "order, get, list, update, delete")
def phone_numbers_crud(ctx: SdkContext) -> None:
    number = ctx.account.search_available_local_numbers(area_code="415", quantity=1)[0]["number"]
    number_id = ctx.account.order_phone_number(number=number, name="compat")
    assert number_id.startswith("n-")
    got = ctx.account.get_phone_number(number_id)
    assert got["number"] == number and got["name"] == "compat"
    assert ctx.account.get_phone_number(number)["id"] == number_id  # by the number itself
    assert number_id in [n["id"] for n in ctx.account.list_phone_numbers(size=1)]
    app_id = ctx.account.create_application(
        name=unique("numapp"), incoming_message_url="http://example.com/msg"
    )
    ctx.account.update_phone_number(number_id, name="renamed", application_id=app_id)
    got = ctx.account.get_phone_number(number_id)
    assert got["name"] == "renamed" and got["application"].endswith("/" + app_id)
    assert number_id in [n["id"] for n in ctx.account.list_phone_numbers(application_id=app_id)]
    ctx.account.delete_phone_number(number_id)
    assert number_id not in [n["id"] for n in ctx.account.list_phone_numbers()]


@flow("messages", "send, get")
def message_send_get(ctx: SdkContext) -> None:
    path, url = ctx.callback_path("msg")
    message_id = ctx.messaging.send_message(
        from_=ctx.our_number(), to="+12025550199", text="hello", callback_url=url, tag="t1"
    )
    assert message_id.startswith("m-")
    got = ctx.messaging.get_message(message_id)
    assert got["text"] == "hello" and got["direction"] == "out"
    events = ctx.app.wait_for(path, lambda e: any(x.get("state") == "sent" for x in e))
    assert events[-1]["messageId"] == message_id and events[-1]["tag"] == "t1"
    sent = eventually(lambda: ctx.messaging.get_message(message_id), lambda m: m["state"] == "sent")
    assert sent["from"] == ctx.our_number()


@flow("messages", "send many")
def message_send_many(ctx: SdkContext) -> None:
    results = ctx.messaging.send_messages(
        [
            {"from": ctx.our_number(), "to": "+12025550101", "text": "one"},
            {"from": ctx.our_number(), "to": "+12025550102", "text": "two"},
            {"from": ctx.our_number(), "to": "not-a-number", "text": "three"},
        ]
    )
    assert [r["result"] for r in results] == ["accepted", "accepted", "error"]
    assert results[0]["id"].startswith("m-") and results[1]["id"].startswith("m-")
    assert results[2]["error"]["message"]
    assert ctx.messaging.get_message(results[1]["id"])["text"] == "two"


@flow("messages", "list with paging")
def message_list_paging(ctx: SdkContext) -> None:
    to = "+12025550177"
    ids = [
        ctx.messaging.send_message(from_=ctx.our_number(), to=to, text=f"page {i}")
        for i in range(5)
    ]
    listed = list(ctx.messaging.list_messages(to=to, size=2))  # three pages through Link
    assert [m["id"] for m in listed] == list(reversed(ids))  # newest first
    ascending = list(ctx.messaging.list_messages(to=to, size=2, sort_order="asc"))
    assert [m["id"] for m in ascending] == ids
    with pytest.raises(BandwidthMessageAPIException) as bad:
        ctx.messaging.send_message(from_="+19999999999", to=to, text="x")
    assert bad.value.status_code in (400, 401, 403)


@flow("media", "upload, list, download, delete")
def media_files(ctx: SdkContext) -> None:
    name = unique("clip") + " one.txt"
    ctx.account.upload_media_file(name, b"some bytes", "text/plain")
    listed = list(ctx.account.list_media_files())
    mine = [m for m in listed if m["media_name"] == name]
    assert mine and mine[0]["content_length"] == 10
    stream, content_type = ctx.account.download_media_file(name)
    assert stream.read() == b"some bytes" and content_type.startswith("text/plain")
    ctx.account.upload_media_file(name, io.BytesIO(b"other"), "audio/wav")  # replace
    stream, content_type = ctx.account.download_media_file(name)
    assert stream.read() == b"other" and content_type == "audio/wav"
    ctx.account.delete_media_file(name)
    assert name not in [m["media_name"] for m in ctx.account.list_media_files()]


@flow("domains and endpoints", "domains create, get, list, delete")
def domains_crud(ctx: SdkContext) -> None:
    name = unique("dom").replace("-", "")[:15]
    domain_id = ctx.account.create_domain(name=name, description="compat")
    assert domain_id.startswith("dom-")
    assert ctx.account.get_domain(domain_id)["name"] == name
    assert domain_id in [d["id"] for d in ctx.account.list_domains(size=1)]
    ctx.account.delete_domain(domain_id)
    assert domain_id not in [d["id"] for d in ctx.account.list_domains()]


@flow("domains and endpoints", "endpoints create, get, list, update, delete, auth token")
def endpoints_crud(ctx: SdkContext) -> None:
    domain_id = ctx.account.create_domain(name=unique("ep").replace("-", "")[:15])
    app_id = ctx.account.create_application(
        name=unique("epapp"), incoming_call_url="http://example.com/calls"
    )
    endpoint_id = ctx.account.create_domain_endpoint(
        domain_id, name="alice", password="secret123", application_id=app_id, description="d"
    )
    assert endpoint_id.startswith("ep-")
    got = ctx.account.get_domain_endpoint(domain_id, endpoint_id)
    assert got["name"] == "alice" and got["enabled"] is True
    assert got["sip_uri"].startswith("alice@")
    assert "password" not in got.get("credentials", {})
    assert endpoint_id in [e["id"] for e in ctx.account.list_domain_endpoints(domain_id, size=1)]
    ctx.account.update_domain_endpoint(domain_id, endpoint_id, description="changed", enabled=False)
    got = ctx.account.get_domain_endpoint(domain_id, endpoint_id)
    assert got["description"] == "changed" and got["enabled"] is False
    token = ctx.account.create_domain_endpoint_auth_token(domain_id, endpoint_id, expires=600)
    assert token["token"] and token["expires"] == 600
    ctx.account.delete_domain_endpoint(domain_id, endpoint_id)
    assert endpoint_id not in [e["id"] for e in ctx.account.list_domain_endpoints(domain_id)]
    ctx.account.delete_domain(domain_id)


@flow("number info", "get CNAM")
def number_info(ctx: SdkContext) -> None:
    info = ctx.account.get_number_info("+19195551212")
    assert info["number"] == "+19195551212" and isinstance(info["name"], str) and info["name"]
    assert info["created"] and info["updated"]


@flow("errors", "wrong credentials")
def errors_wrong_credentials(ctx: SdkContext) -> None:
    """The SDK turns the documented error body into its exception (401, code and message)."""
    stranger = bandwidth.client(
        "account",
        ctx.sandbox.user_id,
        ctx.sandbox.token,
        "wrong-secret",
        api_endpoint=ctx.sandbox.endpoint,
    )
    with pytest.raises(BandwidthAccountAPIException) as denied:
        stranger.get_account()
    assert denied.value.status_code == 401 and denied.value.code and denied.value.message


@flow("errors", "list, get")
def errors_list_get(ctx: SdkContext) -> None:
    with pytest.raises(BandwidthAccountAPIException) as missing:
        ctx.account.get_phone_number("n-doesnotexist")
    assert missing.value.status_code == 404 and missing.value.code
    errors = list(ctx.account.list_errors(size=5))
    assert errors, "a 4xx answer is recorded in the errors resource"
    first = ctx.account.get_error(errors[0]["id"])
    assert first["id"] == errors[0]["id"] and first["code"] and first["message"]
    assert first["category"] and first["time"]
