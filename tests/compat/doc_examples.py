"""Every JSON response example and callback example of the v1 docs, as data.

The docs live outside the repository (`shared/spec/catapult-v1/`), so the
examples are extracted once into `tests/fixtures/docs/examples.json` (run
`uv run python tests/compat/doc_examples.py --write`); test_doc_parity.py checks
the copy against the docs wherever they are mounted. An example is one fenced
block holding a JSON body (after any HTTP request or status lines) or a
callback query string (`/{callbackUrl}?a=b&...`), with the names the doc's
property table gives.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

SPEC = Path("/work/shared/spec/catapult-v1")
FIXTURE = Path(__file__).parents[1] / "fixtures" / "docs" / "examples.json"
#: Where examples of responses and callbacks are; the rest are requests or prose.
FOLDERS = ("methods", "rateLimits", "apiCallbacks", "bxml/callBacks", "sipDiversionHeader")
CODE_LANGUAGES = {"bash", "js", "csharp", "ruby", "python", "xml", "php", "java", "sh"}

_FENCE = re.compile(r"```([A-Za-z0-9]*)[^\n]*\n(.*?)```", re.S)
_TABLE_NAME = re.compile(r"^\|\s*`?([A-Za-z][A-Za-z0-9_.{}]*)`?\s*\|", re.M)


class Unparsable(ValueError):
    """A block that is meant as JSON but is not (the docs have a few)."""


def _json_body(block: str, *, requests_allowed: bool) -> Any | None:
    """The JSON in a block: all of it, or the body after an HTTP request/status head.

    Raises Unparsable when the body is not valid JSON.
    """
    text = block.strip()
    if not text or text[0] not in "[{":
        heads = r"^(POST|GET|HTTP/|Status:)" if requests_allowed else r"^(HTTP/|Status:)"
        if not re.match(heads, text):
            return None
        start = re.search(r"^[\[{]", text, re.M)  # the body, after the request/status head
        if start is None:
            return None
        text = text[start.start() :]
    try:
        return json.loads(text)
    except ValueError as exc:
        raise Unparsable(str(exc)) from exc


def _query_body(block: str) -> dict[str, str] | None:
    """A callback sent as a GET query string, as the BXML callback docs write them."""
    text = block.strip()
    if not text.startswith("/{") or "?" not in text:
        return None
    query = text.split("?", 1)[1]
    fields = {}
    for part in re.split(r"&\s*", query):
        if "=" in part:
            key, value = part.split("=", 1)
            fields[key.strip()] = unquote(value.strip())
    return fields or None


def _is_schema(example: Any) -> bool:
    """The first block of a callback doc lists types (`"callId": "string"`), not values."""
    if not isinstance(example, dict):
        return False
    types = {"string", "integer", "date", "boolean", "number", "array", "object", "long"}
    return sum(isinstance(v, str) and v.lower() in types for v in example.values()) >= 2


def _block_body(lang: str, block: str, kind: str) -> tuple[Any, str] | None:
    """(body, format) of one fenced block, or None when it holds no response/callback."""
    if lang in CODE_LANGUAGES:
        # A few responses sit in a `js` fence ("returns JSON structured like this").
        try:
            body = json.loads(block)
        except ValueError:
            return None
        return (body, "json") if isinstance(body, (dict, list)) else None
    try:
        # A POST head in a method doc is the request; in a callback doc, the callback.
        body = _json_body(block, requests_allowed=kind == "callback")
    except Unparsable as exc:
        return str(exc), "invalid"
    if body is not None:
        return body, "json"
    query = _query_body(block)
    return (query, "query") if query is not None else None


def _repair(text: str) -> Any:
    """The docs' near-JSON made JSON: a line break inside a string, a missing comma
    between lines, trailing commas."""
    lines: list[str] = []
    for line in text.split("\n"):
        if lines and len(re.findall(r'(?<!\\)"', lines[-1])) % 2:
            lines[-1] += " " + line.strip()  # the string goes on on this line
        else:
            lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r'(["\d\]}e])\s*\n(\s*")', r"\1,\n\2", text)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    return json.loads(text)


def extract(spec: Path = SPEC) -> dict[str, Any]:
    """{"examples": [{id, doc, kind, format, body, repaired}], "tables": {doc: [names]}}.

    `tables` holds the property names of every doc's tables (requests included):
    what "the docs show elsewhere" means for an extra field.
    """
    examples: list[dict[str, Any]] = []
    tables: dict[str, list[str]] = {}
    for folder in FOLDERS:
        for path in sorted((spec / folder).rglob("*.md")):
            doc = str(path.relative_to(spec))
            text = path.read_text()
            tables[doc] = sorted(set(_TABLE_NAME.findall(text)) - {"Property", "Parameter", "Name"})
            kind = "response" if doc.startswith(("methods/", "rateLimits/")) else "callback"
            n = 0
            for match in _FENCE.finditer(text):
                found = _block_body(match.group(1).lower(), match.group(2), kind)
                if found is None or _is_schema(found[0]):
                    continue
                body, form = found
                repaired = False
                if form == "invalid":
                    raw = match.group(2)
                    start = re.search(r"^[\[{]", raw, re.M)
                    try:
                        body, form, repaired = (
                            _repair(raw[start.start() :] if start else raw),
                            "json",
                            True,
                        )
                    except ValueError:
                        pass
                if _is_schema(body):
                    continue
                n += 1
                examples.append(
                    {
                        "id": f"{doc}#{n}",
                        "doc": doc,
                        "kind": kind,
                        "format": form,
                        "body": body,
                        "repaired": repaired,
                    }
                )
    return {"examples": examples, "tables": tables}


def load() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text())


if __name__ == "__main__":
    extracted = extract()
    if "--write" in sys.argv:
        FIXTURE.write_text(json.dumps(extracted, indent=1, sort_keys=True) + "\n")
    examples = extracted["examples"]
    for example in examples:
        print(example["id"], example["format"], type(example["body"]).__name__)
    print(len(examples), "examples")
