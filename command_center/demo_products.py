"""The demo's product catalogue: 16 products in 4 categories, one price list for the year,
and a product on every demo order line.

Stamping the lines is cheap at every scale: one draw per line from its own
generator (the demo's other figures stay exactly as they were), a gather
from 16 keys, and one short text column in the bulk load (measured in
``bench/results.md`` beside the rest of the demo load).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

# (product_id, name, category, list_price, standard_cost, weight on order lines)
CATALOGUE: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("P-001", "云服务器 基础版", "云服务", 3_600.0, 1_800.0, 9.0),
    ("P-002", "云服务器 企业版", "云服务", 12_000.0, 6_000.0, 6.0),
    ("P-003", "对象存储 1TB", "云服务", 1_200.0, 400.0, 8.0),
    ("P-004", "数据库托管", "云服务", 8_800.0, 4_100.0, 4.0),
    ("P-011", "客户管理系统 标准版", "软件", 6_800.0, 1_200.0, 7.0),
    ("P-012", "客户管理系统 旗舰版", "软件", 19_800.0, 3_000.0, 3.0),
    ("P-013", "进销存 SaaS", "软件", 4_800.0, 900.0, 6.0),
    ("P-014", "电子签章", "软件", 2_400.0, 300.0, 5.0),
    ("P-021", "实施服务（人天）", "服务", 2_000.0, 1_300.0, 8.0),
    ("P-022", "年度运维", "服务", 9_600.0, 5_800.0, 4.0),
    ("P-023", "数据迁移", "服务", 15_000.0, 9_000.0, 2.0),
    ("P-024", "驻场支持（月）", "服务", 30_000.0, 21_000.0, 1.0),
    ("P-031", "管理员培训", "培训", 3_000.0, 1_000.0, 3.0),
    ("P-032", "销售团队训练营", "培训", 8_000.0, 3_500.0, 2.0),
    ("P-033", "线上课程包", "培训", 980.0, 120.0, 5.0),
    ("P-034", "认证考试", "培训", 1_500.0, 600.0, 1.0),
)
RETIRED = frozenset({"P-034"})
"""Products off sale (``active = False``): old lines may still name them."""
YEAR_LIST_DISCOUNT = 0.92
"""The year's price list prices the cloud and software lines at 92 % of list."""
_LISTED_CATEGORIES = frozenset({"云服务", "软件"})
_LINE_STREAM = 16  # the issue that brought products: the stamping's own random stream


def products_frame() -> pl.DataFrame:
    """``products`` rows: ``product_id, name, category, list_price, standard_cost, active``."""
    ids, names, categories, prices, costs, _ = zip(*CATALOGUE, strict=True)
    return pl.DataFrame(
        {
            "product_id": list(ids),
            "name": list(names),
            "category": list(categories),
            "list_price": list(prices),
            "standard_cost": list(costs),
            "active": [p not in RETIRED for p in ids],
        }
    )


def price_list_frames(as_of: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One price list for ``as_of``'s year (``price_lists`` and ``price_list_items`` rows):
    the cloud and software products at :data:`YEAR_LIST_DISCOUNT` of list, rounded to yuan."""
    year = as_of.year
    lists = pl.DataFrame(
        {
            "price_list_id": [f"PL-{year}"],
            "name": [f"{year} 年度价目表"],
            "valid_from": [dt.date(year, 1, 1)],
            "valid_to": [dt.date(year, 12, 31)],
        }
    )
    listed = [row for row in CATALOGUE if row[2] in _LISTED_CATEGORIES]
    items = pl.DataFrame(
        {
            "price_list_id": [f"PL-{year}"] * len(listed),
            "product_id": [row[0] for row in listed],
            "price": [round(row[3] * YEAR_LIST_DISCOUNT) * 1.0 for row in listed],
        }
    )
    return lists, items


def line_products(lines: int, seed: int) -> pl.Series:
    """A product for each of ``lines`` order lines, drawn by the catalogue's weights from a
    random stream of its own (``seed`` and :data:`_LINE_STREAM`)."""
    weights = np.array([row[5] for row in CATALOGUE])
    rng = np.random.default_rng([seed, _LINE_STREAM])
    picks = rng.choice(len(CATALOGUE), size=lines, p=weights / weights.sum())
    keys = pl.Series("product_id", [row[0] for row in CATALOGUE], dtype=pl.String)
    return keys.gather(picks)
