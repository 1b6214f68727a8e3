"""Find available numbers and order several at once, with progress.

The criteria sit at the top (enter in any of them searches); the results are a
list where space marks numbers and `o` orders the marked ones, one request per
number, so a failure stops nothing but that number. Each number is handed to
`on_ordered` as soon as it is bought, so the Numbers pane grows while the
order runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Checkbox, Input, Label, ProgressBar, SelectionList, Static
from textual.widgets.selection_list import Selection

from bwconsole.tui.console import console_of
from bwconsole.tui.safe_text import plain, visible
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import AvailableNumber, Client, PhoneNumber

__all__ = ["NumberSearchScreen", "SearchCriteria", "search_criteria"]

RESULTS = 50
"""How many numbers one search asks for."""

SearchCriteria = dict[str, str]
"""Non-empty criteria by `search_local` keyword (`area_code`, `state`, `city`, `zip`, `pattern`)."""


class Pattern(Validator):
    """Text matching `regex` in full (blank passes: every criterion is optional)."""

    def __init__(self, regex: str, meaning: str) -> None:
        super().__init__()
        self.regex = re.compile(regex)
        self.meaning = meaning

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() or self.regex.fullmatch(value.strip()):
            return self.success()
        return self.failure(f"{value.strip()!r} is not {self.meaning}")


CRITERIA: tuple[tuple[str, str, str, Validator | None], ...] = (
    ("area_code", "Area code", "919", Pattern(r"[2-9][0-9]{2}", "a 3-digit area code")),
    ("state", "State", "NC", Pattern(r"[A-Za-z]{2}", "a 2-letter state code")),
    ("city", "City", "Cary", None),
    ("zip", "ZIP", "27601", Pattern(r"[0-9]{5}", "a 5-digit ZIP code")),
    (
        "pattern",
        "Pattern",
        "*2?9*",
        Pattern(r"[0-9A-Za-z?*]+", "a pattern of digits, letters, ? and *"),
    ),
)


def search_criteria(values: dict[str, str], *, toll_free: bool) -> SearchCriteria:
    """Check the combination of criteria the API accepts and return the ones given.

    The v1 API wants exactly one of area code, state or ZIP for a local search
    (a city also needs its state); toll-free takes only a pattern. Checking here
    saves a round trip and says what to change.

    Raises:
        ValueError: the combination cannot be searched; the message says why.
    """
    given = {name: value.strip() for name, value in values.items() if value.strip()}
    if "state" in given:
        given["state"] = given["state"].upper()
    if toll_free:
        extra = sorted(set(given) - {"pattern"})
        if extra:
            raise ValueError("A toll-free search takes only a pattern; clear the other fields.")
        return given
    if "city" in given and "state" not in given:
        raise ValueError("To search by city, give its state too.")
    if not {"area_code", "state", "zip"} & set(given):
        raise ValueError("Give an area code, a state or a ZIP code (or tick toll-free).")
    return given


class NumberSearchScreen(ModalScreen[list["PhoneNumber"]]):
    """Search, mark, order; dismisses with the numbers bought.

    | Key | Action |
    |---|---|
    | enter (in a field) | search |
    | space | mark / unmark the highlighted number |
    | o | order the marked numbers |
    | escape | close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o", "order", "Order marked", tooltip="Order the marked numbers", id="numbers-order"
        ),
        Binding("escape", "close", "Close", id="numbers-search-close"),
    ]

    CSS_PATH = "../styles/numbers.tcss"

    def __init__(
        self, client: Client, *, on_ordered: Callable[[PhoneNumber], None] | None = None
    ) -> None:
        """Args:
        client: The account to search and buy on.
        on_ordered: Called with each number once bought (and read back).
        """
        super().__init__()
        self.client = client
        self.on_ordered = on_ordered
        self.inputs = {
            name: Input(
                placeholder=f"e.g. {example}",
                validators=[validator] if validator else [],
                validate_on=["submitted"],
                id=f"search-{name.replace('_', '-')}",
                compact=True,
            )
            for name, _label, example, validator in CRITERIA
        }
        self.toll_free = Checkbox("Toll-free", id="search-toll-free", compact=True)
        self.results: SelectionList[str] = SelectionList(id="search-results")
        self.status = Static("", id="search-status", markup=False)
        self.progress = ProgressBar(show_eta=False, id="search-progress")
        self.ordered: list[PhoneNumber] = []
        """Numbers bought so far in this screen."""
        self._found: dict[str, AvailableNumber] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="number-search--body") as body:
            body.border_title = "Find and order numbers"
            with Horizontal(classes="number-search--criteria"):
                for name, label, _example, _validator in CRITERIA:
                    with Vertical(classes="number-search--field"):
                        yield Label(label, classes="form--label")
                        yield self.inputs[name]
                yield self.toll_free
            yield self.status
            yield self.results
            yield self.progress
            yield Static(
                "enter searches · space marks · o orders the marked · escape closes",
                classes="form--hint",
            )

    def on_mount(self) -> None:
        self.progress.display = False
        self.inputs["area_code"].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search()

    def search(self) -> None:
        """Validate the criteria and run the search in the background."""
        problems = []
        for name, label, _example, _validator in CRITERIA:
            result = self.inputs[name].validate(self.inputs[name].value)
            if result is not None and not result.is_valid:
                problems.append(f"{label}: {'; '.join(result.failure_descriptions)}")
        try:
            criteria = search_criteria(
                {name: widget.value for name, widget in self.inputs.items()},
                toll_free=self.toll_free.value,
            )
        except ValueError as exc:
            problems.append(str(exc))
            criteria = {}
        if problems:
            self._say(" ".join(problems), error=True)
            return
        self._say("Searching…")
        run_guarded(self, self._search(criteria), group="number-search", exclusive=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.update(visible(text, lines=True))
        self.status.set_class(error, "-error")

    async def _search(self, criteria: SearchCriteria) -> None:
        api = self.client.available_numbers
        request: Any = (
            api.search_toll_free(quantity=RESULTS, pattern=criteria.get("pattern"))
            if self.toll_free.value
            else api.search_local(
                quantity=RESULTS,
                area_code=criteria.get("area_code"),
                state=criteria.get("state"),
                city=criteria.get("city"),
                zip=criteria.get("zip"),
                pattern=criteria.get("pattern"),
            )
        )
        found: list[AvailableNumber] | None = await console_of(self).call_api(request)
        if found is None:
            self._say("The search failed (see the notification).", error=True)
            return
        self._found = {n.number: n for n in found if n.number}
        self.results.clear_options()
        self.results.add_options(
            Selection(plain(_describe(available), lines=False), number, id=number)
            for number, available in self._found.items()
        )
        if not self._found:
            self._say("No numbers match; try other criteria.")
            return
        self._say(f"{len(self._found)} numbers: space marks, o orders the marked.")
        self.results.highlighted = 0
        self.results.focus()

    async def _order(self, numbers: list[str]) -> None:
        self.progress.display = True
        self.progress.update(total=len(numbers), progress=0)
        failed = 0
        for number in numbers:
            self._say(f"Ordering {number}…")
            phone = await self._order_one(number)
            if phone is None:
                failed += 1
            else:
                self.ordered.append(phone)
                self.results.remove_option(number)
                if self.on_ordered is not None:
                    self.on_ordered(phone)
            self.progress.advance(1)
        bought = len(numbers) - failed
        if failed:
            self._say(f"Ordered {bought} of {len(numbers)}; {failed} failed.", error=True)
            return
        self.app.notify(f"Ordered {bought} number{'s' if bought != 1 else ''}.")
        self.dismiss(self.ordered)

    async def _order_one(self, number: str) -> PhoneNumber | None:
        call_api = console_of(self).call_api
        number_id = await call_api(self.client.phone_numbers.order(number=number))
        if number_id is None:
            return None
        phone: PhoneNumber | None = await call_api(self.client.phone_numbers.get(number_id))
        return phone

    def action_order(self) -> None:
        """Buy every marked number, one after the other, with a progress bar — after a yes
        to the question that names them and what they cost (on a real account, money)."""
        marked = list(self.results.selected)
        if not marked:
            self._say("Mark numbers with space first.", error=True)
            return
        self.app.push_screen(
            ConfirmScreen(self._order_question(marked), title="Order numbers"),
            lambda yes: self._order_confirmed(marked, bool(yes)),
        )

    def _order_question(self, marked: list[str]) -> str:
        prices = [self._found[n].price for n in marked if n in self._found]
        try:
            total = sum((Decimal(p) for p in prices if p), Decimal(0))
        except InvalidOperation:
            total = None
        if total is not None and prices and all(prices):
            cost = (
                f" for ${total:,.2f} a month in all"
                if len(marked) > 1
                else f" for ${total:,.2f} a month"
            )
        else:
            cost = " (the API gives no price; the account is charged its monthly price)"
        names = ", ".join(marked[:5]) + (f" and {len(marked) - 5} more" if len(marked) > 5 else "")
        return f"Order {names}{cost}?"

    def _order_confirmed(self, marked: list[str], yes: bool) -> None:
        if yes:
            run_guarded(self, self._order(marked), group="number-order", exclusive=True)

    def action_close(self) -> None:
        """Close, handing back what was bought."""
        self.dismiss(self.ordered)


def _describe(number: AvailableNumber) -> str:
    place = ", ".join(part for part in (number.city, number.state) if part)
    price = f"  ${number.price}" if number.price else ""
    return f"{number.number}  {place}{price}"
