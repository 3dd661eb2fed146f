"""Demo contests: a quarter-long revenue race and this month's profit star."""

from __future__ import annotations

from cc_sales_contests.actions import store_contest
from command_center import DemoContext
from command_center.db.engine import write_session


def seed(ctx: DemoContext) -> None:
    last = ctx.months[-1]
    quarter_start = ctx.months[-3]
    with write_session(ctx.engine) as session:
        store_contest(
            session,
            "季度销冠挑战赛",
            "revenue",
            quarter_start,
            last,
            "三亚团建名额 + 奖金 ¥5,000",
            "demo",
        )
        store_contest(session, "利润之星", "profit", last, last, "荣誉奖杯", "demo")
