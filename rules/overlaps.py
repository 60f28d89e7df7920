"""Article (十九) in match(): flag items that reward the same thing twice.

The article lets this policy stack with city-level and higher policies, but
within the district the enterprise picks the highest of similar measures and
nothing is subsidised twice. Our reading (see docs in the report): awards for
the same title (a landing award and a first-recognition award for the same
title) and the several landing awards of one newly settled firm are such
"同类" measures. The groups are flagged, not decided: the annual guide rules.
"""

from __future__ import annotations

from rules.model import Provision, Result, clause_label

OVERLAP_POINT = "highest_of_district"  # the point of the stacking provision these notes quote

OVERLAP_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("“国家鼓励的重点软件企业”称号", ("key_software_landing", "key_software_recognition")),
    ("专精特新“小巨人”称号", ("little_giant_landing", "little_giant_recognition")),
    ("“独角兽”称号", ("unicorn_landing", "unicorn_list")),
    ("同一企业的落户", ("model_company_landing", "top100_landing", "key_software_landing",
                   "internet_platform", "unicorn_landing", "little_giant_landing",
                   "listed_relocation")),
)


def annotate_overlaps(results: list[Result], stacking: Provision) -> list[Result]:
    """Add ``overlaps`` and a (十九) note to results that fall in the same group."""
    quote = next(p["quote"] for p in stacking.points if p["key"] == OVERLAP_POINT)
    by_id = {r.item: r for r in results}
    for what, group in OVERLAP_GROUPS:
        members = [by_id[item] for item in group if item in by_id]
        if len(members) < 2:
            continue
        top = max(_size(m) for m in members)
        best = [m.name for m in members if _size(m) == top]
        verdict = f"金额或上限最高的是{best[0]}" if len(best) == 1 else "各项上限相同"
        for result in members:
            others = [m for m in members if m is not result]
            result.overlaps.extend(m.item for m in others if m.item not in result.overlaps)
            names = "、".join(f"{m.name}（{m.item}）" for m in others)
            result.notes.append(
                f"与{names}可能是就{what}给予的同类奖励。{clause_label(stacking.clause)}：“{quote}，不重复补贴”，"
                f"通常只能择高享受其中一项（{verdict}），以当年申请指南为准。")
    return results


def _size(result: Result) -> int:
    return result.amount_yuan if result.amount_yuan is not None else (result.bound_yuan or 0)
