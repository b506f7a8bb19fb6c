"""The console in a real browser: Debian's chromium driven by Playwright (`make browser` installs
chromium and poppler-utils). An agent signs in, filters, searches, opens a transcript, tags it and
corrects an intent; an admin exports CSV and PDF and opens the dashboard. The PDF's first page
(rendered by pdftoppm) and the dashboard are saved as PNGs and must not be blank pictures; the
transcript's screenshot is the README's docs/console.png."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from PIL import Image, ImageStat

from console.app import create_app
from tests.console.conftest import ADMIN, AGENT, Data, config

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOPPM = shutil.which("pdftoppm")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "console.png"

if CHROMIUM is None or PDFTOPPM is None:
    pytest.skip(
        "chromium or pdftoppm is not installed (`make browser` installs both)",
        allow_module_level=True,
    )
playwright_api = pytest.importorskip("playwright.async_api")


def assert_not_blank(png: Path) -> None:
    """A real picture: several distinct tones, dark ink on a light page, not one flat colour."""
    image = Image.open(png).convert("L")
    low, high = image.getextrema()
    assert high - low > 100, f"{png.name} is nearly one flat colour"
    assert ImageStat.Stat(image).stddev[0] > 5, f"{png.name} is nearly blank"
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 8


@pytest_asyncio.fixture
async def served(data: Data) -> AsyncIterator[str]:
    """The console on a real loopback port (Secure cookies: browsers accept them on localhost)."""
    runner = web.AppRunner(create_app(config(data.url, secure=True)))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://localhost:{port}"
    await runner.cleanup()


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[object]:
    async with playwright_api.async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=CHROMIUM)
        yield launched
        await launched.close()


async def _sign_in(browser: object, base: str, who: tuple[str, str]):  # type: ignore[no-untyped-def]
    context = await browser.new_context(  # type: ignore[attr-defined]
        base_url=base, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    page = await context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    await page.goto("/login")
    await page.fill("input[name=username]", who[0])
    await page.fill("input[name=password]", who[1])
    await page.click("button:has-text('Sign in')")
    await page.wait_for_url("**/conversations")
    return page


async def test_agent_filters_searches_tags_and_corrects(
    served: str, browser: object, data: Data
) -> None:
    page = await _sign_in(browser, served, AGENT)
    rows = page.locator("#conversation-list tbody tr")
    assert await rows.count() == 3
    assert "<script>" in await page.inner_text("#conversation-list")  # shown, not run
    await page.fill("input[name=channel]", "rest")
    await page.click("#filters button[type=submit]")
    await page.wait_for_url("**channel=rest**")
    assert await rows.count() == 1
    await page.fill("input[name=channel]", "")
    await page.fill("input[name=q]", "broken kettle")
    await page.click("#filters button[type=submit]")
    await page.wait_for_url("**q=broken+kettle**")
    assert await rows.count() == 1
    await rows.first.locator("td.preview a").click()
    await page.wait_for_url(f"**/conversations/{data.ids['refund']}")
    await page.fill("input[name=tag]", "needs-refund")
    await page.click("button:has-text('Add tag')")
    await page.wait_for_selector(".tag:has-text('needs-refund')")
    first_user = page.locator(".message.user").first
    await first_user.locator("input[name=new_intent_name]").fill("broken_item_refund")
    await first_user.locator("button:has-text('Correct intent')").click()
    await page.wait_for_selector("code.corrected:has-text('broken_item_refund')")
    await page.click("button:has-text('Mark reviewed')")
    await page.wait_for_selector("#reviewed:has-text('Reviewed')")
    await page.goto(f"/conversations/{data.ids['hostile']}")
    assert "<script>" in await page.inner_text(".messages")
    await page.goto(f"/conversations/{data.ids['parcel']}")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shot = SCREENSHOT if os.environ.get("KEFU_SCREENSHOTS") or not SCREENSHOT.exists() else None
    target = shot or Path(os.environ.get("TMPDIR", "/tmp")) / "console.png"
    await page.screenshot(path=str(target), full_page=False)
    assert_not_blank(target)


async def test_admin_exports_csv_and_pdf_and_opens_the_dashboard(
    served: str, browser: object, data: Data, tmp_path: Path
) -> None:
    page = await _sign_in(browser, served, ADMIN)
    await page.goto("/admin/reports")
    async with page.expect_download() as csv_download:
        await page.click("button:has-text('CSV')")
    csv_path = tmp_path / "conversations.csv"
    await (await csv_download.value).save_as(csv_path)
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,customer,channel") and len(lines) == 4
    await page.wait_for_selector("#export-status:has-text('Done: 3')")
    async with page.expect_download() as pdf_download:
        await page.click("button:has-text('PDF transcripts')")
    pdf_path = tmp_path / "transcripts.pdf"
    await (await pdf_download.value).save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    command = [str(PDFTOPPM), "-png", "-r", "60", "-singlefile", str(pdf_path)]
    await asyncio.to_thread(subprocess.run, [*command, str(tmp_path / "pdf")], check=True)
    assert_not_blank(tmp_path / "pdf.png")
    await page.goto("/admin/dashboard?date_from=2026-11-01")
    charts = page.locator(".chart img")
    assert await charts.count() == 6
    widths = await charts.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert all(width > 100 for width in widths)
    await page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert_not_blank(tmp_path / "dashboard.png")
