"""Deterministic demo data: three fixed demo customers, ~500 customers, ~3000 orders, 800 tickets.

The same seed and the same day give the same data; crm_store.seed loads it.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from crm_store.numbering import customer_number_for, order_number_for, ticket_number_for

# Names, streets, cities, products and ticket wordings the demo data is drawn from.
WORDS: dict[str, Any] = json.loads(
    (Path(__file__).with_name("demo_words.json")).read_text(encoding="utf-8")
)

CUSTOMERS = 500
ORDERS = 3000
TICKETS = 800
HISTORY = timedelta(days=730)
DAY = timedelta(days=1)


@dataclass
class DemoData:
    """Rows ready for bulk INSERT, with explicit ids (numbers derive from them)."""

    products: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    order_items: list[dict[str, Any]] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    agents: list[dict[str, Any]] = field(default_factory=list)


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.replace("ß", "ss").replace("ı", "i"))
    kept = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "-"))
    return kept.lower()


def _weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _tracking(rng: random.Random, carrier: str) -> str:
    digits = "0123456789"
    if carrier == "DHL":
        return "00340434" + "".join(rng.choices(digits, k=12))
    if carrier == "UPS":
        return "1Z" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPRSTUVWXYZ", k=16))
    if carrier == "DPD":
        return "".join(rng.choices(digits, k=14))
    return "H" + "".join(rng.choices(digits, k=19))


def _order_status(rng: random.Random, age: timedelta) -> str:
    days = age.total_seconds() / 86400
    if days < 2:
        mix = (("placed", 40), ("paid", 50), ("cancelled", 10))
    elif days < 5:
        mix = (("paid", 15), ("shipped", 70), ("delivered", 10), ("cancelled", 5))
    elif days < 10:
        mix = (("shipped", 25), ("delivered", 68), ("cancelled", 4), ("returned", 3))
    else:
        mix = (("delivered", 85), ("cancelled", 7), ("returned", 8))
    return str(_weighted(rng, mix))


def _postcode(rng: random.Random, city: dict[str, Any]) -> str:
    return f"{rng.randint(city['lowest_postcode'], city['highest_postcode']):05d}"


def _ticket_status(rng: random.Random, age_days: float) -> str:
    if age_days < 3:
        return str(_weighted(rng, (("new", 50), ("open", 40), ("pending", 10))))
    if age_days < 14:
        return str(_weighted(rng, (("open", 30), ("pending", 30), ("resolved", 40))))
    return str(_weighted(rng, (("resolved", 60), ("closed", 35), ("pending", 5))))


def _fixed_customers(now: datetime) -> list[dict[str, Any]]:
    joined = now - timedelta(days=400)
    rows = [
        ("Anna", "Schmidt", "anna.schmidt@example.com", "+49301234567",
         "Invalidenstraße 12", "10115", "Berlin"),
        ("Ben", "Okafor", "ben.okafor@example.com", "+442079460018",
         "Mönckebergstraße 7", "20095", "Hamburg"),
        ("Chloé", "Martin", "chloe.martin@example.com", "+33140205000",
         "Marienplatz 3", "80331", "Munich"),
    ]  # fmt: skip
    return [
        {
            "id": index,
            "customer_number": customer_number_for(index),
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "street": street,
            "postcode": postcode,
            "city": city,
            "country": "DE",
            "segment": "consumer",
            "external_id": f"SHOP-{index:07d}",
            "created_at": joined,
        }
        for index, (first, last, email, phone, street, postcode, city) in enumerate(rows, start=1)
    ]


class _Builder:
    """Adds rows to a DemoData, drawing every random choice from one `random.Random(seed)`.

    The order of the draws is the data: reorder the steps of `build_demo_data` and the same
    seed gives other customers.
    """

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.data = DemoData()
        self.prices: dict[int, Decimal] = {}
        self.product_names: dict[int, str] = {}

    def products(self) -> None:
        for category, items in WORDS["products"].items():
            for name, price in items:
                product_id = len(self.data.products) + 1
                self.prices[product_id] = Decimal(price)
                self.product_names[product_id] = name
                self.data.products.append(
                    {
                        "id": product_id,
                        "sku": f"{category[:3].upper()}-{product_id:04d}",
                        "name": name,
                        "category": category,
                        "price": Decimal(price),
                    }
                )

    def customers(self, count: int) -> None:
        rng = self.rng
        self.data.customers.extend(_fixed_customers(self.now))
        for customer_id in range(len(self.data.customers) + 1, count + 1):
            first, last = rng.choice(WORDS["first_names"]), rng.choice(WORDS["last_names"])
            city = rng.choice(WORDS["cities"])
            self.data.customers.append(
                {
                    "id": customer_id,
                    "customer_number": customer_number_for(customer_id),
                    "first_name": first,
                    "last_name": last,
                    "email": f"{_ascii(first)}.{_ascii(last)}.{customer_id}@example.com",
                    "phone": None
                    if rng.random() < 0.1
                    else f"+49{city['phone_area_code']}{rng.randint(1_000_000, 9_999_999)}",
                    "street": f"{rng.choice(WORDS['streets'])} {rng.randint(1, 120)}",
                    "postcode": _postcode(rng, city),
                    "city": city["city"],
                    "country": "DE",
                    "segment": _weighted(rng, (("consumer", 80), ("business", 15), ("vip", 5))),
                    "external_id": None if rng.random() < 0.2 else f"SHOP-{customer_id:07d}",
                    "created_at": self.now - HISTORY - rng.randint(1, 365) * DAY,
                }
            )

    def order(self, customer_id: int, status: str, placed_at: datetime, **extra: Any) -> None:
        rng, order_id = self.rng, len(self.data.orders) + 1
        lines = rng.sample(
            sorted(self.prices), k=_weighted(rng, ((1, 50), (2, 30), (3, 15), (4, 5)))
        )
        total = Decimal("0.00")
        for product_id in lines:
            quantity = _weighted(rng, ((1, 80), (2, 15), (3, 5)))
            total += self.prices[product_id] * quantity
            self.data.order_items.append(
                {
                    "id": len(self.data.order_items) + 1,
                    "order_id": order_id,
                    "product_id": product_id,
                    "quantity": quantity,
                    "unit_price": self.prices[product_id],
                }
            )
        row = {
            "id": order_id,
            "order_number": order_number_for(order_id),
            "customer_id": customer_id,
            "status": status,
            "placed_at": placed_at,
            "shipped_at": None,
            "delivered_at": None,
            "cancelled_at": None,
            "carrier": None,
            "tracking_number": None,
            "total": total,
            "currency": "EUR",
        }
        self.data.orders.append({**row, **extra})

    def demo_orders(self) -> None:
        """The demo customers' orders, as README and the tests describe them."""
        now, order = self.now, self.order
        order(1, "paid", now - 1 * DAY)
        order(
            1, "shipped", now - 4 * DAY, shipped_at=now - 2 * DAY, carrier="DHL",
            tracking_number="00340434161234567890",
        )  # fmt: skip
        order(
            1, "delivered", now - 9 * DAY, shipped_at=now - 7 * DAY, delivered_at=now - 5 * DAY,
            carrier="DHL", tracking_number="00340434161234500003",
        )  # fmt: skip
        order(
            2, "delivered", now - 65 * DAY, shipped_at=now - 63 * DAY, delivered_at=now - 60 * DAY,
            carrier="DPD", tracking_number="01505012345678",
        )  # fmt: skip
        order(2, "placed", now - timedelta(hours=3))
        order(3, "cancelled", now - 20 * DAY, cancelled_at=now - 20 * DAY + timedelta(hours=2))
        order(
            3, "shipped", now - 3 * DAY, shipped_at=now - 1 * DAY, carrier="UPS",
            tracking_number="1Z999AA10123456784",
        )  # fmt: skip

    def other_orders(self, total: int) -> None:
        """Everyone else's orders: some customers order far more often than others."""
        rng = self.rng
        others = self.others()
        weights = [rng.paretovariate(1.5) for _ in others]
        # (Tests seed small CRMs: with only the demo customers there is nobody else to order.)
        count = max(0, total - len(self.data.orders)) if others else 0
        ages = sorted((rng.random() ** 0.8 * HISTORY for _ in range(count)), reverse=True)
        for age in ages:
            age = max(age, timedelta(minutes=30))
            customer_id = rng.choices(others, weights=weights)[0]
            status = _order_status(rng, age)
            self.order(customer_id, status, self.now - age, **self.fulfilment(status, age))

    def fulfilment(self, status: str, age: timedelta) -> dict[str, Any]:
        """When an order `age` old with `status` was cancelled, or shipped and delivered."""
        rng, now, placed_at = self.rng, self.now, self.now - max(age, timedelta(minutes=30))
        if status == "cancelled":
            return {"cancelled_at": min(placed_at + timedelta(hours=rng.randint(1, 30)), now)}
        if status not in ("shipped", "delivered", "returned"):
            return {}
        carrier = _weighted(rng, WORDS["carriers"])
        shipped_at = min(placed_at + timedelta(hours=rng.randint(12, 60)), now)
        extra = {"carrier": carrier, "tracking_number": _tracking(rng, carrier)}
        extra["shipped_at"] = shipped_at
        if status != "shipped":
            delivered = shipped_at + timedelta(hours=rng.randint(20, 96))
            extra["delivered_at"] = min(delivered, now)
        return extra

    def others(self) -> list[int]:
        return [row["id"] for row in self.data.customers if row["id"] > 3]

    def ticket(self, **row: Any) -> None:
        ticket_id = len(self.data.tickets) + 1
        row.setdefault("conversation_id", None)
        row.setdefault("assignee_id", None)
        row.setdefault("resolved_at", None)
        row.setdefault("updated_at", row["created_at"])
        self.data.tickets.append(
            {"id": ticket_id, "ticket_number": ticket_number_for(ticket_id), **row}
        )

    def demo_tickets(self) -> None:
        now = self.now
        self.ticket(
            customer_id=1, order_id=2, type="problem", category="delivery",
            subject="Parcel has not arrived",
            description="My order KF-500002 still hasn't arrived.",
            status="open", priority="normal", channel="rest", assignee_id=2,
            created_at=now - 1 * DAY, updated_at=now - timedelta(hours=20),
        )  # fmt: skip
        self.ticket(
            customer_id=3, order_id=6, type="question", category="payment",
            subject="Refund for cancelled order",
            description="When will I get my money back for KF-500006?",
            status="resolved", priority="low", channel="email", assignee_id=2,
            created_at=now - 19 * DAY, updated_at=now - 17 * DAY, resolved_at=now - 17 * DAY,
        )  # fmt: skip

    def other_tickets(self, total: int) -> None:
        other_orders = [row for row in self.data.orders if row["customer_id"] > 3]
        for _ in range(max(0, total - len(self.data.tickets)) if other_orders else 0):
            self.random_ticket(other_orders)

    def random_ticket(self, other_orders: list[dict[str, Any]]) -> None:
        rng, now = self.rng, self.now
        category = _weighted(
            rng,
            (("delivery", 35), ("product", 30), ("payment", 15), ("account", 12), ("other", 8)),
        )
        ticket_type, subject, description = rng.choice(WORDS["ticket_templates"][category])
        order = rng.choice(other_orders)
        uses_order = "{order}" in subject + description
        created_at = order["placed_at"] + timedelta(hours=rng.randint(2, 24 * 20))
        if not uses_order:
            created_at = now - rng.random() * HISTORY
        created_at = min(created_at, now - timedelta(minutes=5))
        status = _ticket_status(rng, (now - created_at).total_seconds() / 86400)
        product = self.product_names[rng.randint(1, len(self.product_names))]
        fill = {"order": order["order_number"], "product": product}
        updated_at = min(created_at + timedelta(hours=rng.randint(1, 72)), now)
        self.ticket(
            customer_id=order["customer_id"] if uses_order else rng.choice(self.others()),
            order_id=order["id"] if uses_order else None,
            type=ticket_type,
            category=category,
            subject=subject.format(**fill),
            description=description.format(**fill),
            status=status,
            priority=_weighted(rng, (("low", 20), ("normal", 60), ("high", 15), ("urgent", 5))),
            channel=_weighted(rng, WORDS["channels"]),
            assignee_id=None if status == "new" else rng.choice((1, 2, 2)),
            created_at=created_at,
            updated_at=updated_at,
            resolved_at=updated_at if status in ("resolved", "closed") else None,
        )

    def agents(self) -> None:
        joined = self.now - HISTORY
        self.data.agents = [
            {"id": 1, "username": "admin", "email": "admin@kefu.example",
             "display_name": "Kefu Admin", "role": "admin", "is_active": True,
             "created_at": joined},
            {"id": 2, "username": "agent1", "email": "agent1@kefu.example",
             "display_name": "Alex Agent", "role": "agent", "is_active": True,
             "created_at": joined},
        ]  # fmt: skip


def build_demo_data(
    seed: int,
    now: datetime,
    customers: int = CUSTOMERS,
    orders: int = ORDERS,
    tickets: int = TICKETS,
) -> DemoData:
    """All demo rows, from `random.Random(seed)` and the seeding time `now` only."""
    builder = _Builder(seed, now)
    builder.products()
    builder.customers(customers)
    builder.demo_orders()
    builder.other_orders(orders)
    builder.demo_tickets()
    builder.other_tickets(tickets)
    builder.agents()
    return builder.data
