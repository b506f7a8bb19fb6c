"""Deterministic demo data: three fixed demo customers, ~500 customers, ~3000 orders, 800 tickets.

The same seed and the same day give the same data. `seed_database` does nothing on a CRM that
already has customers, so the launcher can call it on every start.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tqdm import tqdm

from crm_store.models import (
    AgentUser,
    Customer,
    Order,
    OrderItem,
    Product,
    Ticket,
)
from crm_store.numbering import customer_number_for, order_number_for, ticket_number_for
from crm_store.passwords import hash_password

CUSTOMERS = 500
ORDERS = 3000
TICKETS = 800
HISTORY = timedelta(days=730)

# Demo logins for the console (change them in production: these are in the README).
DEMO_PASSWORDS = {"admin": "kefu-admin-demo", "agent1": "kefu-agent-demo"}

PRODUCTS: dict[str, list[tuple[str, str]]] = {
    "home": [
        ("Desk lamp", "34.90"),
        ("Floor lamp", "89.00"),
        ("Wool blanket", "59.90"),
        ("Scented candle set", "19.90"),
        ("Wall clock", "29.90"),
        ("Storage basket", "24.50"),
        ("Bath towel set", "39.90"),
        ("Cushion cover", "14.90"),
    ],
    "kitchen": [
        ("Kettle", "39.90"),
        ("French press", "29.90"),
        ("Chef's knife", "69.00"),
        ("Cast-iron pan", "54.90"),
        ("Espresso cups (set of 4)", "24.90"),
        ("Cutting board", "19.90"),
        ("Toaster", "44.90"),
        ("Stand mixer", "249.00"),
    ],
    "electronics": [
        ("Wireless headphones", "129.00"),
        ("Bluetooth speaker", "59.00"),
        ("USB-C charger", "24.90"),
        ("Power bank", "34.90"),
        ("Smart plug", "19.90"),
        ("E-reader", "139.00"),
        ("Webcam", "69.90"),
        ("Mechanical keyboard", "99.00"),
    ],
    "office": [
        ("Notebook A5", "9.90"),
        ("Fountain pen", "49.00"),
        ("Monitor stand", "44.90"),
        ("Desk organiser", "22.90"),
        ("Office chair cushion", "29.90"),
        ("Laptop sleeve", "27.90"),
        ("Whiteboard", "59.00"),
        ("Paper shredder", "79.00"),
    ],
    "garden": [
        ("Watering can", "19.90"),
        ("Pruning shears", "29.90"),
        ("Garden hose 20 m", "39.90"),
        ("Plant pots (set of 3)", "24.90"),
        ("Solar lights", "34.90"),
        ("Bird feeder", "17.90"),
        ("Garden gloves", "12.90"),
        ("Folding chair", "49.90"),
    ],
}

FIRST_NAMES = [
    "Lena",
    "Max",
    "Sophie",
    "Paul",
    "Marie",
    "Felix",
    "Emma",
    "Jonas",
    "Mia",
    "Leon",
    "Hannah",
    "Lukas",
    "Lea",
    "Elias",
    "Laura",
    "Noah",
    "Julia",
    "Finn",
    "Sara",
    "Tim",
    "Amelie",
    "David",
    "Nina",
    "Jan",
    "Clara",
    "Moritz",
    "Aylin",
    "Can",
    "Fatma",
    "Mehmet",
    "Olga",
    "Igor",
    "Priya",
    "Arjun",
    "Mei",
    "Wei",
    "Yuki",
    "Kenji",
    "Amara",
    "Kwame",
    "Sofia",
    "Mateo",
    "Lucia",
    "Diego",
    "Chiara",
    "Marco",
    "Ingrid",
    "Lars",
    "Aino",
    "Mikko",
    "Zofia",
    "Piotr",
    "Eva",
    "Tomas",
    "Grace",
    "Samuel",
    "Leila",
    "Omar",
    "Noor",
    "Rania",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Yılmaz",
    "Kaya",
    "Demir",
    "Nowak",
    "Kowalski",
    "Novak",
    "Rossi",
    "Bianchi",
    "García",
    "López",
    "Dubois",
    "Moreau",
    "Jansen",
    "de",
    "Vries",
    "Andersson",
    "Nielsen",
    "Virtanen",
    "Papadopoulos",
    "Ivanova",
    "Nguyen",
    "Tanaka",
    "Kim",
    "Chen",
    "Singh",
    "Patel",
    "Okonkwo",
    "Mensah",
    "Haddad",
    "Costa",
    "Silva",
    "O'Brien",
    "Murphy",
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Gartenweg",
    "Lindenallee",
    "Schillerstraße",
    "Goethestraße",
    "Bergstraße",
    "Kirchplatz",
    "Am",
    "Markt",
    "Rosenweg",
    "Waldstraße",
    "Ringstraße",
    "Parkallee",
    "Mühlenweg",
    "Feldstraße",
]
# (city, lowest postcode, highest postcode, phone area code)
CITIES = (
    ("Berlin", 10115, 14199, "30"),
    ("Hamburg", 20095, 22769, "40"),
    ("Munich", 80331, 81929, "89"),
    ("Cologne", 50667, 51149, "221"),
    ("Frankfurt", 60306, 60599, "69"),
    ("Stuttgart", 70173, 70629, "711"),
    ("Leipzig", 4103, 4357, "341"),
    ("Dresden", 1067, 1328, "351"),
    ("Düsseldorf", 40210, 40629, "211"),
    ("Bremen", 28195, 28779, "421"),
)
CARRIERS = (("DHL", 50), ("UPS", 20), ("DPD", 15), ("Hermes", 15))
CHANNELS = (("rest", 30), ("socketio", 30), ("email", 20), ("phone", 10), ("telegram", 10))

TICKET_TEMPLATES: dict[str, list[tuple[str, str, str]]] = {
    # category: (type, subject, description)
    "delivery": [
        ("problem", "Parcel has not arrived", "My order {order} still hasn't arrived."),
        ("problem", "Tracking not updating", "The tracking for {order} hasn't moved for days."),
        ("complaint", "Parcel arrived damaged", "The box of {order} was crushed on arrival."),
        ("question", "Change delivery address", "Can I still change the address for {order}?"),
    ],
    "payment": [
        ("question", "Invoice needed", "Please send me an invoice for {order}."),
        ("problem", "Charged twice", "I was charged twice for {order}."),
        ("refund", "Refund not received", "I'm still waiting for the refund for {order}."),
    ],
    "product": [
        (
            "return",
            "Return request for {order}",
            "The item from {order} doesn't fit, I'd like to return it.",
        ),
        ("problem", "Item stopped working", "The {product} from {order} stopped working."),
        ("question", "Product question", "Is the {product} dishwasher safe?"),
        ("complaint", "Wrong item delivered", "I received the wrong item in {order}."),
    ],
    "account": [
        ("question", "Cannot log in", "I can't log in to my account."),
        ("question", "Change my email address", "Please update the email address on my account."),
        ("problem", "Newsletter unsubscribe", "I unsubscribed but still get newsletters."),
    ],
    "other": [
        ("question", "Gift wrapping", "Do you offer gift wrapping?"),
        ("complaint", "Unfriendly hotline", "I was not happy with my last call to your hotline."),
    ],
}


@dataclass
class DemoData:
    """Rows ready for bulk INSERT, with explicit ids (numbers derive from them)."""

    products: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    order_items: list[dict[str, Any]] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    agents: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class SeedResult:
    seeded: bool
    message: str
    counts: dict[str, int] = field(default_factory=dict)


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


def build_demo_data(
    seed: int,
    now: datetime,
    customers: int = CUSTOMERS,
    orders: int = ORDERS,
    tickets: int = TICKETS,
) -> DemoData:
    """All demo rows, from `random.Random(seed)` and the seeding time `now` only."""
    rng = random.Random(seed)
    data = DemoData()
    day = timedelta(days=1)

    prices: dict[int, Decimal] = {}
    names: dict[int, str] = {}
    for category, items in PRODUCTS.items():
        for name, price in items:
            product_id = len(data.products) + 1
            prices[product_id], names[product_id] = Decimal(price), name
            data.products.append(
                {
                    "id": product_id,
                    "sku": f"{category[:3].upper()}-{product_id:04d}",
                    "name": name,
                    "category": category,
                    "price": Decimal(price),
                }
            )

    data.customers.extend(_fixed_customers(now))
    for customer_id in range(len(data.customers) + 1, customers + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, low, high, area = rng.choice(CITIES)
        data.customers.append(
            {
                "id": customer_id,
                "customer_number": customer_number_for(customer_id),
                "first_name": first,
                "last_name": last,
                "email": f"{_ascii(first)}.{_ascii(last)}.{customer_id}@example.com",
                "phone": None
                if rng.random() < 0.1
                else f"+49{area}{rng.randint(1_000_000, 9_999_999)}",
                "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                "postcode": f"{rng.randint(low, high):05d}",
                "city": city,
                "country": "DE",
                "segment": _weighted(rng, (("consumer", 80), ("business", 15), ("vip", 5))),
                "external_id": None if rng.random() < 0.2 else f"SHOP-{customer_id:07d}",
                "created_at": now - HISTORY - rng.randint(1, 365) * day,
            }
        )

    def add_order(customer_id: int, status: str, placed_at: datetime, **extra: Any) -> int:
        order_id = len(data.orders) + 1
        lines = rng.sample(sorted(prices), k=_weighted(rng, ((1, 50), (2, 30), (3, 15), (4, 5))))
        total = Decimal("0.00")
        for product_id in lines:
            quantity = _weighted(rng, ((1, 80), (2, 15), (3, 5)))
            total += prices[product_id] * quantity
            data.order_items.append(
                {
                    "id": len(data.order_items) + 1,
                    "order_id": order_id,
                    "product_id": product_id,
                    "quantity": quantity,
                    "unit_price": prices[product_id],
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
        row.update(extra)
        data.orders.append(row)
        return order_id

    # The demo customers' orders, as README and the tests describe them.
    add_order(1, "paid", now - 1 * day)
    add_order(
        1, "shipped", now - 4 * day, shipped_at=now - 2 * day, carrier="DHL",
        tracking_number="00340434161234567890",
    )  # fmt: skip
    add_order(
        1, "delivered", now - 9 * day, shipped_at=now - 7 * day, delivered_at=now - 5 * day,
        carrier="DHL", tracking_number="00340434161234500003",
    )  # fmt: skip
    add_order(
        2, "delivered", now - 65 * day, shipped_at=now - 63 * day, delivered_at=now - 60 * day,
        carrier="DPD", tracking_number="01505012345678",
    )  # fmt: skip
    add_order(2, "placed", now - timedelta(hours=3))
    add_order(3, "cancelled", now - 20 * day, cancelled_at=now - 20 * day + timedelta(hours=2))
    add_order(
        3, "shipped", now - 3 * day, shipped_at=now - 1 * day, carrier="UPS",
        tracking_number="1Z999AA10123456784",
    )  # fmt: skip

    # Everyone else: some customers order far more often than others.
    others = [row["id"] for row in data.customers if row["id"] > 3]
    weights = [rng.paretovariate(1.5) for _ in others]
    # (Tests seed small CRMs: with only the demo customers there is nobody else to order.)
    count = max(0, orders - len(data.orders)) if others else 0
    ages = sorted((rng.random() ** 0.8 * HISTORY for _ in range(count)), reverse=True)
    for age in ages:
        age = max(age, timedelta(minutes=30))
        placed_at = now - age
        customer_id = rng.choices(others, weights=weights)[0]
        status = _order_status(rng, age)
        extra: dict[str, Any] = {}
        if status == "cancelled":
            extra["cancelled_at"] = placed_at + timedelta(hours=rng.randint(1, 30))
            extra["cancelled_at"] = min(extra["cancelled_at"], now)
        elif status in ("shipped", "delivered", "returned"):
            carrier = _weighted(rng, CARRIERS)
            shipped_at = min(placed_at + timedelta(hours=rng.randint(12, 60)), now)
            extra.update(carrier=carrier, tracking_number=_tracking(rng, carrier))
            extra["shipped_at"] = shipped_at
            if status != "shipped":
                delivered = shipped_at + timedelta(hours=rng.randint(20, 96))
                extra["delivered_at"] = min(delivered, now)
        add_order(customer_id, status, placed_at, **extra)

    def add_ticket(**row: Any) -> None:
        ticket_id = len(data.tickets) + 1
        row.setdefault("conversation_id", None)
        row.setdefault("assignee_id", None)
        row.setdefault("resolved_at", None)
        row.setdefault("updated_at", row["created_at"])
        data.tickets.append({"id": ticket_id, "ticket_number": ticket_number_for(ticket_id), **row})

    add_ticket(
        customer_id=1, order_id=2, type="problem", category="delivery",
        subject="Parcel has not arrived", description="My order KF-500002 still hasn't arrived.",
        status="open", priority="normal", channel="rest", assignee_id=2,
        created_at=now - 1 * day, updated_at=now - timedelta(hours=20),
    )  # fmt: skip
    add_ticket(
        customer_id=3, order_id=6, type="question", category="payment",
        subject="Refund for cancelled order",
        description="When will I get my money back for KF-500006?",
        status="resolved", priority="low", channel="email", assignee_id=2,
        created_at=now - 19 * day, updated_at=now - 17 * day, resolved_at=now - 17 * day,
    )  # fmt: skip

    other_orders = [row for row in data.orders if row["customer_id"] > 3]
    for _ in range(max(0, tickets - len(data.tickets)) if other_orders else 0):
        category = _weighted(
            rng,
            (("delivery", 35), ("product", 30), ("payment", 15), ("account", 12), ("other", 8)),
        )
        ticket_type, subject, description = rng.choice(TICKET_TEMPLATES[category])
        order = rng.choice(other_orders)
        uses_order = "{order}" in subject + description
        created_at = order["placed_at"] + timedelta(hours=rng.randint(2, 24 * 20))
        if not uses_order:
            created_at = now - rng.random() * HISTORY
        created_at = min(created_at, now - timedelta(minutes=5))
        age_days = (now - created_at).total_seconds() / 86400
        if age_days < 3:
            status = _weighted(rng, (("new", 50), ("open", 40), ("pending", 10)))
        elif age_days < 14:
            status = _weighted(rng, (("open", 30), ("pending", 30), ("resolved", 40)))
        else:
            status = _weighted(rng, (("resolved", 60), ("closed", 35), ("pending", 5)))
        product = names[rng.randint(1, len(names))]
        fill = {"order": order["order_number"], "product": product}
        updated_at = min(created_at + timedelta(hours=rng.randint(1, 72)), now)
        add_ticket(
            customer_id=order["customer_id"] if uses_order else rng.choice(others),
            order_id=order["id"] if uses_order else None,
            type=ticket_type,
            category=category,
            subject=subject.format(**fill),
            description=description.format(**fill),
            status=status,
            priority=_weighted(rng, (("low", 20), ("normal", 60), ("high", 15), ("urgent", 5))),
            channel=_weighted(rng, CHANNELS),
            assignee_id=None if status == "new" else rng.choice((1, 2, 2)),
            created_at=created_at,
            updated_at=updated_at,
            resolved_at=updated_at if status in ("resolved", "closed") else None,
        )

    data.agents = [
        {
            "id": 1,
            "username": "admin",
            "email": "admin@kefu.example",
            "display_name": "Kefu Admin",
            "role": "admin",
            "is_active": True,
            "created_at": now - HISTORY,
        },
        {
            "id": 2,
            "username": "agent1",
            "email": "agent1@kefu.example",
            "display_name": "Alex Agent",
            "role": "agent",
            "is_active": True,
            "created_at": now - HISTORY,
        },
    ]
    return data


async def _reset_sequences(session: AsyncSession, tables: Sequence[str]) -> None:
    """Explicit ids do not advance PostgreSQL's sequences; move them past the seeded rows."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


async def seed_database(
    sessionmaker: async_sessionmaker[AsyncSession],
    seed: int,
    now: datetime | None = None,
    progress: bool = False,
    customers: int = CUSTOMERS,
    orders: int = ORDERS,
    tickets: int = TICKETS,
) -> SeedResult:
    """Load the demo data in one transaction, unless the CRM already has customers."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    async with sessionmaker() as session, session.begin():
        existing = await session.scalar(select(func.count()).select_from(Customer))
        if existing:
            return SeedResult(
                False, f"The CRM already has {existing} customers; demo data not loaded again."
            )
        data = build_demo_data(seed, now, customers=customers, orders=orders, tickets=tickets)
        agents = [
            {**row, "password_hash": hash_password(DEMO_PASSWORDS[row["username"]])}
            for row in data.agents
        ]
        steps: list[tuple[str, Any, list[dict[str, Any]]]] = [
            ("agent_users", AgentUser, agents),
            ("products", Product, data.products),
            ("customers", Customer, data.customers),
            ("orders", Order, data.orders),
            ("order_items", OrderItem, data.order_items),
            ("tickets", Ticket, data.tickets),
        ]
        bar = tqdm(
            total=sum(len(rows) for _, _, rows in steps),
            desc="demo data",
            unit="rows",
            disable=not progress,
            file=sys.stderr,
        )
        with bar:
            for name, model, rows in steps:
                bar.set_postfix_str(name)
                for start in range(0, len(rows), 1000):
                    chunk = rows[start : start + 1000]
                    await session.execute(insert(model), chunk)
                    bar.update(len(chunk))
        await _reset_sequences(session, [name for name, _, _ in steps])
    counts = {name: len(rows) for name, _, rows in steps}
    summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
    return SeedResult(True, f"Loaded demo data (seed {seed}): {summary}.", counts)
