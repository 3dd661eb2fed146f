"""Shared helpers of the pipeline's tests: the viewers of the small org, the org with two
more customers, a deal, an approved contract, a refusal matcher, and the page tests'
own demo database (``page_fixtures``).

Loaded by ``tests/conftest.py`` as a pytest plugin; test modules import the helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from command_center import runtime
from command_center import testing as apptest
from command_center.db import frames
from command_center.db.engine import dispose_engine, write_session
from command_center.db.models import Customer
from command_center.org.scope import Viewer
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.pipeline import actions
from plugins.pipeline.errors import PipelineError
from tests.factories import load_small_org

REP4 = Viewer("rep4", "rep", 4, frozenset({4}))
REP5 = Viewer("rep5", "rep", 5, frozenset({5}))
REP7 = Viewer("rep7", "rep", 7, frozenset({7}))
SUP3 = Viewer("sup3", "supervisor", 3, frozenset({3, 4, 5}))
SUP6 = Viewer("sup6", "supervisor", 6, frozenset({6, 7}))
MGR2 = Viewer("mgr2", "manager", 2, frozenset({2, 3, 4, 5, 6, 7}))
DIRECTOR = Viewer("boss", "director", 1, None)
ADMIN = Viewer("admin", "admin", None, frozenset())
AT = dt.datetime(2026, 11, 2, 10, 0)


def org(engine: Engine) -> None:
    """The factories' org plus a customer for rep 5 and one for rep 7."""
    load_small_org(engine)
    with write_session(engine) as session:
        for cid, name, owner in ((2, "乙公司", 5), (3, "丙公司", 7)):
            session.add(
                Customer(
                    customer_id=cid,
                    name=name,
                    industry="制造",
                    size="smb",
                    owner_id=owner,
                    region="华东",
                    created_on=dt.date(2021, 1, 1),
                )
            )


def new_deal(
    engine: Engine,
    viewer: Viewer = REP4,
    customer: int = 1,
    owner: int = 4,
    amount: float = 10_000.0,
    at: dt.datetime = AT,
) -> int:
    return actions.create_opportunity(
        engine,
        viewer,
        title="智能仓储项目",
        customer_id=customer,
        owner_id=owner,
        amount=amount,
        expected_close=dt.date(2026, 12, 20),
        source="referral",
        channel="visit",
        at=at,
    )


def approved_contract(engine: Engine, opp: int) -> int:
    """Draft, two lines (3 x 1,000 + 1 x 500, cost 1,800), submitted, approved by sup3."""
    cid = actions.save_contract(
        engine,
        REP4,
        opp,
        payment_terms="net30",
        delivery_date=dt.date(2026, 12, 31),
        terms="含安装",
        at=AT,
    )
    actions.add_line(
        engine, REP4, cid, description="仓储系统", quantity=3, unit_price=1_000.0, unit_cost=500.0
    )
    actions.add_line(
        engine, REP4, cid, description="实施服务", quantity=1, unit_price=500.0, unit_cost=300.0
    )
    actions.submit_contract(engine, REP4, cid, at=AT)
    actions.review_contract(engine, SUP3, cid, approve=True, comment="同意", at=AT)
    return cid


def refused(key: str):
    """``pytest.raises`` for a PipelineError with this message key."""

    class Match:
        def __enter__(self) -> None:
            self.ctx = pytest.raises(PipelineError)
            self.info = self.ctx.__enter__()

        def __exit__(self, *exc: object) -> bool:
            handled = self.ctx.__exit__(*exc)  # type: ignore[arg-type]
            assert self.info.value.key == key, self.info.value.key
            return bool(handled)

    return Match()


def page_fixtures(folder: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """A test module's ``pipeline_db`` and ``app`` fixtures for its page tests (bind them
    under those names: ``pipeline_db, app = page_fixtures("walk")``).

    ``pipeline_db`` is the module's own demo database (``url, host``), the core and the
    pipeline only, made once under a temporary ``folder``: the page walks write to it.
    One backend: the pages run no SQL of their own. ``app`` points the app at it for one
    test and returns its URL.
    """

    @pytest.fixture(scope="module", name="pipeline_db")
    def pipeline_db(
        tmp_path_factory: pytest.TempPathFactory,
    ) -> Iterator[tuple[str, PluginHost]]:
        url = f"sqlite:///{tmp_path_factory.mktemp(folder) / f'{folder}.db'}"
        host = PluginHost(get_settings(), entry_points=False, builtins=["plugins.pipeline"])
        apptest.demo_database(url, host)
        yield url, host
        frames.clear_cache()
        dispose_engine(url)

    @pytest.fixture(name="app")
    def app(
        pipeline_db: tuple[str, PluginHost], monkeypatch: pytest.MonkeyPatch, app_env: None
    ) -> str:
        url, host = pipeline_db
        monkeypatch.setenv("COMMAND_CENTER_DB_URL", url)
        runtime.reset(host)
        return url

    return pipeline_db, app
