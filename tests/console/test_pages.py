"""The agent's pages and API: list, filters, search, transcript, card, similar, review actions;
and a message full of HTML rendered as text everywhere."""

from __future__ import annotations

from crm_store.admin import erase_customer
from crm_store.db import create_engine, create_sessionmaker
from tests.console.conftest import Client, Data
from tests.crm_store.services.console_data import HOSTILE

ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; my parcel"


def ids_in(page: str, data: Data) -> set[str]:
    return {name for name, i in data.ids.items() if f'href="/conversations/{i}"' in page}


async def test_list_shows_every_conversation_and_escapes_html(agent: Client, data: Data) -> None:
    response, page = await agent.page("/conversations")
    assert response.status == 200
    assert ids_in(page, data) == {"parcel", "refund", "hostile"}
    assert ESCAPED in page
    assert "<script>alert" not in page and "<b>bold" not in page


async def test_filters_and_search_in_the_list(agent: Client, data: Data) -> None:
    cases = {
        "?channel=rest": {"parcel"},
        "?q=kettle": {"refund"},
        "?q=parcel&status=resolved": {"parcel"},
        "?fallback=yes": {"refund"},
        "?reviewed=no&topic=delivery": {"parcel", "hostile"},
        "?sort=oldest&page_size=1": {"parcel"},
    }
    for query, expected in cases.items():
        response, page = await agent.page("/conversations" + query)
        assert response.status == 200, query
        assert ids_in(page, data) == expected, query


async def test_bad_filters_are_400(agent: Client) -> None:
    for query in ("?csat=9", "?date_from=yesterday", "?sort=random", "?status=lost", "?q=%2A"):
        response = await agent.http.get("/conversations" + query)
        assert response.status == 400, query
    assert (await agent.http.get("/api/conversations?fallback=maybe")).status == 400


async def test_list_api(agent: Client, data: Data) -> None:
    body = await (await agent.http.get("/api/conversations?q=parcel&sort=oldest")).json()
    assert body["total"] == 2
    assert [c["id"] for c in body["conversations"]] == [data.ids["parcel"], data.ids["hostile"]]
    assert body["conversations"][1]["preview"] == HOSTILE


async def test_transcript_page_with_card_and_similar(agent: Client, data: Data) -> None:
    response, page = await agent.page(f"/conversations/{data.ids['parcel']}")
    assert response.status == 200
    assert "where is my parcel, the courier is late" in page
    assert "order_status" in page and "0.93" in page and "order=KF-1" in page
    assert 'id="customer-card"' in page and "Lifetime value" in page
    assert 'id="similar"' in page
    _, hostile = await agent.page(f"/conversations/{data.ids['hostile']}")
    assert ESCAPED in hostile and "<script>alert" not in hostile
    assert (await agent.http.get("/conversations/999999")).status == 404


async def test_review_forms_change_the_transcript(agent: Client, data: Data) -> None:
    conversation = data.ids["refund"]
    base = f"/conversations/{conversation}"
    assert (await agent.post_form(f"{base}/tags", {"tag": "Refund-Fraud"})).status == 303
    assert (await agent.post_form(f"{base}/tags", {"tag": "keep"})).status == 303
    assert (await agent.post_form(f"{base}/tags/remove", {"tag": "keep"})).status == 303
    assert (await agent.post_form(f"{base}/notes", {"body": HOSTILE})).status == 303
    assert (await agent.post_form(f"{base}/review", {"reviewed": "yes"})).status == 303
    transcript = await (await agent.http.get(f"/api/conversations/{conversation}")).json()
    blorp = next(m for m in transcript["messages"] if m["text"] == "blorp")
    form = {"intent": "", "new_intent_name": "gibberish"}
    assert (await agent.post_form(f"/records/{blorp['id']}/correction", form)).status == 303
    _, page = await agent.page(base)
    assert "refund-fraud" in page and "keep" not in page.split('id="tags"')[1].split("</div>")[0]
    assert ESCAPED in page  # the note
    assert "Reviewed" in page and "gibberish" in page
    assert (await agent.post_form(f"{base}/tags", {"tag": "<b>"})).status == 400


async def test_review_api(agent: Client, data: Data) -> None:
    conversation = data.ids["parcel"]
    base = f"/api/conversations/{conversation}"
    response = await agent.api("POST", f"{base}/tags", {"tag": "late"})
    assert response.status == 201 and (await response.json())["tags"] == ["late"]
    response = await agent.api("DELETE", f"{base}/tags/late")
    assert (await response.json())["tags"] == []
    assert (await agent.api("POST", f"{base}/notes", {"body": "called back"})).status == 201
    assert (await agent.api("PUT", f"{base}/review", {"reviewed": True})).status == 200
    assert (await agent.api("PUT", f"{base}/review", {"reviewed": "yes"})).status == 400
    transcript = await (await agent.http.get(base)).json()
    assert transcript["reviewed"] and transcript["notes"][0]["body"] == "called back"
    user_message = next(m for m in transcript["messages"] if m["direction"] == "user")
    bot_message = next(m for m in transcript["messages"] if m["direction"] == "bot")
    path = "/api/records/{}/correction"
    ok = await agent.api("POST", path.format(user_message["id"]), {"intent": "track_parcel"})
    assert ok.status == 201
    assert (await agent.api("POST", path.format(bot_message["id"]), {"intent": "x"})).status == 404
    bad = await agent.api("POST", path.format(user_message["id"]), {"intent": "Bad Intent"})
    assert bad.status == 400
    assert (await agent.api("POST", f"{base}/notes", None)).status == 400
    assert (await agent.http.get("/api/conversations/999999")).status == 404


async def test_customer_card_and_similar(agent: Client, data: Data) -> None:
    response, page = await agent.page("/customers/1")
    assert response.status == 200 and "Churn risk" in page
    card = await (await agent.http.get("/api/customers/1")).json()
    assert card["customer"]["id"] == 1 and card["conversations"][0]["id"] == data.ids["parcel"]
    assert (await agent.http.get("/api/customers/999999")).status == 404
    similar = await (
        await agent.http.get(f"/api/conversations/{data.ids['parcel']}/similar")
    ).json()
    assert data.ids["hostile"] in [s["id"] for s in similar["similar"]]  # both about a parcel
    assert (await agent.http.get("/api/conversations/999999/similar")).status == 404


async def test_similar_never_shows_an_erased_customers_conversation(
    agent: Client, data: Data
) -> None:
    path = f"/api/conversations/{data.ids['hostile']}/similar"
    before = (await (await agent.http.get(path)).json())["similar"]
    assert data.ids["parcel"] in [s["id"] for s in before]  # the index now holds parcel's text
    engine = create_engine(data.url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            await erase_customer(session, 1)  # parcel's customer
    finally:
        await engine.dispose()
    after = (await (await agent.http.get(path)).json())["similar"]
    assert data.ids["parcel"] not in [s["id"] for s in after]


async def test_static_assets_come_from_the_app(agent: Client) -> None:
    _, page = await agent.page("/conversations")
    assert "http://" not in page.split("<body>")[0] and "https://" not in page
    for asset in ("console.css", "console.js"):
        path = page.split(f"/static/{asset}")[0].rsplit('"', 1)[1] + f"/static/{asset}"
        assert (await agent.http.get(path)).status == 200
