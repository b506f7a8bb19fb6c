"""The printable transcript bundle as PDF with fpdf2 (pure Python: no browser at run time).

Text goes in as text through a Unicode TrueType font (DejaVu Sans, shipped with matplotlib),
so a message full of HTML is printed exactly as the customer typed it.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from fpdf import FPDF

from console.views import number, when
from crm_store.services.review import TranscriptView

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Kefu transcripts")
    pdf.set_creator("Kefu console")
    return pdf


def _heading(pdf: FPDF, t: TranscriptView) -> None:
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, f"Conversation {t.id}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    facts = (
        f"{t.channel} · {t.status} · started {when(t.started_at)} · ended {when(t.ended_at)}\n"
        f"topic {t.topic or '–'} · predicted satisfaction {number(t.satisfaction, 1)}"
        f" · CSAT {t.csat or '–'} · tags {', '.join(t.tags) or '–'}"
    )
    pdf.multi_cell(0, 5, facts, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def transcripts_pdf(transcripts: list[TranscriptView]) -> bytes:
    pdf = _pdf()
    pdf.add_page()
    if not transcripts:
        pdf.set_font("DejaVu", "", 11)
        pdf.cell(0, 10, "No conversation matches these filters.")
    for position, t in enumerate(transcripts):
        if position:
            pdf.add_page()
        _heading(pdf, t)
        for m in t.messages:
            pdf.set_font("DejaVu", "B", 9)
            label = f"{m.direction} · {when(m.sent_at)}"
            if m.intent:
                label += f" · {m.intent} ({number(m.confidence)})"
            pdf.cell(0, 5, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 10)
            pdf.multi_cell(0, 5, m.text or " ", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())
