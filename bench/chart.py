"""The comparison as a picture: throughput of hub, peer and floor per operation and concurrency,
one panel per graph, from bench/results/compare-*.json. Writes bench/results/compare.png."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

RESULTS = Path(__file__).parent / "results"
SIDES = (("hub", "#1f6fb4"), ("peer", "#f28e2b"), ("floor", "#9aa3ab"))


def main() -> None:
    reports = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("compare-*.json"))]
    reports = [r for r in reports if r["graph"]["name"] != "smoke"]
    if not reports:
        raise SystemExit("no bench/results/compare-*.json yet: run bench/compare.py first")
    fig, axes = plt.subplots(len(reports), 1, figsize=(15, 5.5 * len(reports)), squeeze=False)
    for ax, report in zip(axes[:, 0], reports, strict=True):
        labels, values = [], {side: [] for side, _ in SIDES}
        for name, entry in report["operations"].items():
            for level, result in entry["levels"].items():
                labels.append(f"{name}\n@{level}")
                for side, _ in SIDES:
                    values[side].append(result[side]["rps"])
        width = 0.28
        for i, (side, colour) in enumerate(SIDES):
            xs = [x + (i - 1) * width for x in range(len(labels))]
            ax.bar(xs, values[side], width, label=side, color=colour)
        ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
        ax.set_yscale("log")
        ax.set_ylabel("requests per second (log)")
        g, s = report["graph"], report["settings"]
        ax.set_title(
            f"{g['name']} graph: {g['organisations']:,} organisations - hub ({s['hub workers']} workers) vs "
            f"@neo4j/graphql {report['versions']['@neo4j/graphql']} ({s.get('peer workers', 1)} Node "
            f"processes) vs raw Cypher ({report['when']})"
        )
        ax.legend()
    fig.tight_layout()
    out = RESULTS / "compare.png"
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
