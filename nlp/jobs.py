"""Batch jobs on plain records: train every model, score conversations, write a report.

`python -m nlp` reads the records from JSONL files, `python -m kefu nlp` from the CRM; nothing
here touches a database. Long steps show tqdm progress; training uses one core.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from nlp import analytics, artefacts, basket, metrics, satisfaction, sentiment, topics
from nlp.compute import one_core
from nlp.records import Conversation, RecordSet, load_conversations, to_jsonable
from nlp.similarity import SimilarityIndex

MIN_TOPIC_DOCS = 30
RECORD_KINDS = ("conversations", "customers", "orders", "feedback", "tickets")


def _digest(convs: Sequence[Conversation]) -> str:
    return artefacts.data_hash(to_jsonable(c) for c in convs)


def train(
    records: RecordSet,
    models_dir: str | Path,
    bootstrap: Sequence[Conversation] = (),
    as_of: datetime | None = None,
    topic_config: topics.TopicConfig | None = None,
) -> dict[str, Any]:
    """Train what the records allow; returns {model name: version path or skip reason}.

    `bootstrap` (e.g. STAR converted by nlp.star_convert) fills in for satisfaction labels and
    sentiment text until the project's own records are enough.
    """
    out: dict[str, Any] = {}
    convs = records.conversations
    with one_core():
        texts = [t.text for c in [*convs, *bootstrap] for t in c.turns if t.speaker == "customer"]
        sent: sentiment.SentimentModel | None = None
        try:
            sent = sentiment.train(texts)
            out["sentiment"] = str(sent.save(models_dir, artefacts.data_hash(texts), {}))
        except ValueError as exc:
            out["sentiment"] = f"skipped: {exc}"
        # Topics are what customers write about: their turns, and the tickets they wrote.
        docs = [c.customer_text() for c in convs] + [t.text for t in records.tickets]
        if len(docs) >= MIN_TOPIC_DOCS:
            # The previous model lends its ids and labels to matching topics (stable topics).
            model = topics.train(docs, topic_config, previous=_previous_topics(models_dir))
            out["topics"] = str(model.save(models_dir, artefacts.data_hash(docs)))
        else:
            out["topics"] = f"skipped: {len(docs)} texts (need {MIN_TOPIC_DOCS})"
        index = SimilarityIndex()
        index.add(
            [c.id for c in convs], [c.text() for c in convs], [c.labels.get("topic") for c in convs]
        )
        out["similarity"] = str(index.save(models_dir))
        if records.tickets:
            tickets = SimilarityIndex()
            tickets.add(
                [t.id for t in records.tickets],
                [t.text for t in records.tickets],
                [t.category for t in records.tickets],
            )
            out["tickets"] = str(tickets.save(models_dir, name="tickets"))
        try:
            sat = satisfaction.train_from_records(convs, bootstrap, sent)
            out["satisfaction"] = str(sat.save(models_dir, _digest(convs or bootstrap), {}))
        except ValueError as exc:
            out["satisfaction"] = f"skipped: {exc}"
        if records.customers and records.orders:
            try:
                churn = analytics.train_churn(
                    records.customers, records.orders, as_of, records.feedback, convs
                )
                out["churn"] = str(save_churn(churn, models_dir, records))
            except ValueError as exc:
                out["churn"] = f"skipped: {exc}"
    return out


def _previous_topics(models_dir: str | Path) -> topics.TopicModel | None:
    try:
        return topics.TopicModel.load(models_dir)
    except (artefacts.ModelNotFoundError, artefacts.ModelVersionError):
        return None  # none yet, or an older kind: this training starts the numbering afresh


def save_churn(model: analytics.ChurnModel, models_dir: str | Path, records: RecordSet) -> Path:
    """joblib-save the churn forest (loaded only from our own models dir, like the others)."""
    import joblib

    digest = artefacts.data_hash(to_jsonable(o) for o in records.orders)
    with artefacts.new_version(models_dir, "churn", digest) as path:
        joblib.dump(model.estimator, path / "estimator.joblib")
        cfg = {"features": list(analytics.CHURN_FEATURES), "churn_days": model.churn_days}
        artefacts.write_manifest(path, "churn", digest, cfg, model.metrics)
    return path


def _try(load: Any, *args: Any) -> Any:
    try:
        return load(*args)
    except artefacts.ModelNotFoundError:
        return None
    except artefacts.ModelVersionError as exc:
        # An artefact from older code or libraries: score without it and say how to fix it.
        print(f"nlp: ignoring a model: {exc}", file=sys.stderr)
        return None


def score(records: RecordSet, models_dir: str | Path) -> list[dict[str, Any]]:
    """Per conversation: mean sentiment, topic, predicted CSAT, similar past conversations."""
    sent = _try(sentiment.SentimentModel.load, models_dir)
    top = _try(topics.TopicModel.load, models_dir)
    sat = _try(satisfaction.SatisfactionModel.load, models_dir)
    if sat is not None:
        sat.sentiment = sent
    index = _try(SimilarityIndex.load, models_dir)
    rows = []
    convs = records.conversations
    # A trained model scores in one batch (the sentence encoder batches); else the heuristic.
    sats = sat.scores(convs) if sat else [satisfaction.score_conversation(c, None, sent)
                                           for c in convs]  # fmt: skip
    for c, s in zip(tqdm(convs, desc="score"), sats, strict=True):
        topic = top.assign(c.customer_text()) if top else None
        rows.append(
            {
                "id": c.id,
                "sentiment_mean": s.features["sent_mean"],
                "predicted_csat": s.csat,
                "p_satisfied": s.p_satisfied,
                "satisfaction_source": s.source,
                "topic": topic.topic if topic else None,
                "topic_label": topic.label if topic else topics.UNKNOWN,
                "similar": [n.id for n in index.query(c.text(), k=5, exclude=c.id)]
                if index
                else [],
            }
        )
    return rows


def _sentiment_section(
    records: RecordSet, out: Path, models_dir: str | Path | None, summary: dict[str, Any]
) -> list[str]:
    from nlp import charts

    sent = _try(sentiment.SentimentModel.load, models_dir) if models_dir else None
    sentiments = [sentiment.sentiment_score(t.text, sent) for c in records.conversations
                  for t in c.turns if t.speaker == "customer"]  # fmt: skip
    if not sentiments:
        return []
    summary["sentiment_mean"] = metrics.mean(sentiments)
    title = "Customer message sentiment"
    return [charts.histogram(out / "sentiment.png", sentiments, title, "sentiment").name]


def _csat_section(records: RecordSet, out: Path) -> list[str]:
    from nlp import charts

    ratings = [f.csat for f in records.feedback if f.csat]
    ratings += [c.csat for c in records.conversations if c.csat]
    if not ratings:
        return []
    counts = Counter(ratings)
    chart = charts.bar(
        out / "csat.png",
        [1, 2, 3, 4, 5],
        [counts.get(i, 0) for i in range(1, 6)],
        "CSAT ratings",
        "conversations",
    )  # type: ignore[arg-type]
    return [chart.name]


def _topics_section(
    records: RecordSet, out: Path, models_dir: str | Path | None, summary: dict[str, Any]
) -> list[str]:
    from nlp import charts

    if not (models_dir and records.conversations):
        return []
    shares = Counter(r["topic_label"] for r in score(records, models_dir))
    summary["topics"] = dict(shares.most_common())
    labels, values = zip(*shares.most_common(12), strict=True)
    title = "Conversations by topic"
    return [charts.bar(out / "topics.png", labels, values, title, "conversations").name]


def _segments_section(
    records: RecordSet, out: Path, as_of: datetime | None, summary: dict[str, Any]
) -> list[str]:
    from nlp import charts

    if not (records.customers and records.orders):
        return []
    table = analytics.rfm(records.customers, records.orders, as_of)
    seg = analytics.segment([[r.recency_days, r.frequency, r.monetary] for r in table])
    names = analytics.segment_names(table, seg.labels)
    summary["segments"] = {
        "method": seg.method,
        "k": seg.k,
        "silhouette": seg.silhouette,
        "sizes": dict(Counter(seg.labels)),
        "names": names,
        "customers_by_name": dict(Counter(names[s] for s in seg.labels).most_common()),
    }
    summary["top_rules"] = [to_jsonable(r) for r in basket.association_rules(records.orders)[:10]]
    chart = charts.scatter(
        out / "segments.png",
        [r.recency_days for r in table],
        [r.monetary for r in table],
        seg.labels,
        "RFM segments",
        "recency (days)",
        "monetary (EUR, log scale)",
        log_y=True,
        names=names,
    )
    return [chart.name]


def _named_sections(summary: dict[str, Any]) -> list[str]:
    """The report's segments and topics in words, largest first."""
    lines: list[str] = []
    named = summary.get("segments", {}).get("customers_by_name")
    if named:
        lines += ["", "## Customer segments", "", "| segment | customers |", "|---|---|"]
        lines += [f"| {name} | {n} |" for name, n in named.items()]
    if summary.get("topics"):
        lines += ["", "## Conversation topics", "", "| topic | conversations |", "|---|---|"]
        lines += [f"| {name} | {n} |" for name, n in summary["topics"].items()]
    return lines


def report(
    records: RecordSet,
    out_dir: str | Path,
    models_dir: str | Path | None = None,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """Write summary.json, summary.md and PNG charts to out_dir; returns the summary."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    convs = records.conversations
    summary: dict[str, Any] = {
        "kpis": analytics.kpis(records.customers, records.orders, records.feedback, convs, as_of)
    }
    files = _sentiment_section(records, out, models_dir, summary)
    files += _csat_section(records, out)
    files += _topics_section(records, out, models_dir, summary)
    files += _segments_section(records, out, as_of, summary)
    summary["charts"] = files
    (out / "summary.json").write_text(
        json.dumps(to_jsonable(summary), indent=2, default=str) + "\n"
    )
    lines = ["# Kefu analytics report", "", "| KPI | value |", "|---|---|"]
    lines += [f"| {k} | {'–' if v is None else f'{v:.1f}'} |" for k, v in summary["kpis"].items()]
    lines += _named_sections(summary)
    lines += ["", *[f"![{f}]({f})" for f in files]]
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    return summary


def run_command(
    command: str,
    records: RecordSet,
    models: Path,
    out: Path | None = None,
    bootstrap: Path | None = None,
    as_of: datetime | None = None,
) -> int:
    """What both CLIs (`python -m nlp`, `python -m kefu nlp`) do once they have the records."""
    if command == "train":
        boot = load_conversations(bootstrap) if bootstrap else []
        print(json.dumps(train(records, models, boot, as_of), indent=2))
    elif command == "score":
        text = "".join(json.dumps(row) + "\n" for row in score(records, models))
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    else:
        summary = report(records, out or Path("var/report"), models, as_of)
        print(json.dumps(summary["kpis"], indent=2))
    return 0
