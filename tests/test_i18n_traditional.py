"""The zh_TW tool: --check passes on the tree and fails on a missing key; a fill
converts only what is missing, keeps hand edits, placeholders and plural forms."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from command_center.i18n import traditional
from command_center.i18n.traditional import CatalogError, main

ZH_CN = '''# 测试目录，简体中文。

[demo]
account = "账号"
rows = "已导入 {rows} 行（{file}）。"
quoted = "页面“{page}”出错。"
agenda = """1. 上周回顾
2. 下周计划"""

[demo.count]
people = { one = "{count} 人", other = "{count} 人" }
'''


def write_catalog(folder: Path, text: str, lang: str = "zh_CN", suffix: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{lang}.toml{suffix}"
    path.write_text(text, "utf-8")
    return path


def flat(path: Path) -> dict[str, str]:
    return traditional.read_catalog(path, path.name.endswith(".tmpl"))[1]


def test_check_passes_on_the_tree(capsys) -> None:
    assert main(["--check"]) == 0, capsys.readouterr().out


def test_check_fails_on_a_missing_file_key_or_placeholder(tmp_path, capsys) -> None:
    folder = tmp_path / "i18n"
    write_catalog(folder, ZH_CN)
    assert main(["--check", str(folder)]) == 1
    assert "zh_TW.toml: missing" in capsys.readouterr().out

    write_catalog(
        folder,
        '[demo]\naccount = "帳號"\nrows = "已匯入 {count} 列。"\nquoted = "頁面「{page}」出錯。"\n'
        'agenda = "1."\nold = "舊"\n',
        "zh_TW",
    )
    assert main(["--check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "missing keys: demo.count.people.one, demo.count.people.other" in out
    assert "keys zh_CN does not have: demo.old" in out
    assert "placeholders differ from zh_CN: demo.rows" in out


@pytest.fixture
def convert():
    pytest.importorskip("opencc", reason="OpenCC comes with the dev extra")
    return traditional.opencc_converter()


def test_conversion_uses_taiwan_terms_and_keeps_placeholders(convert) -> None:
    to_taiwan = traditional.to_taiwan
    assert to_taiwan("账号或密码错误。", convert) == "帳號或密碼錯誤。"
    assert to_taiwan("退出登录", convert) == "登出"
    assert to_taiwan("已导入 {rows} 行", convert) == "已匯入 {rows} 列"
    assert to_taiwan("页面“{page}”", convert) == "頁面「{page}」"
    assert to_taiwan("每{every}周的{weekday}", convert) == "每{every}週的{weekday}"
    assert to_taiwan("$title 提成（{rate:.0%}）", convert) == "$title 提成（{rate:.0%}）"


def test_fill_converts_only_missing_keys_and_keeps_hand_edits(tmp_path, convert, capsys) -> None:
    folder = tmp_path / "i18n"
    write_catalog(folder, ZH_CN)
    assert main([str(folder)]) == 0
    target = folder / "zh_TW.toml"
    assert flat(target) == {
        "demo.account": "帳號",
        "demo.rows": "已匯入 {rows} 列（{file}）。",
        "demo.quoted": "頁面「{page}」出錯。",
        "demo.agenda": "1. 上週回顧\n2. 下週計畫",
        "demo.count.people.one": "{count} 人",
        "demo.count.people.other": "{count} 人",
    }
    assert 'people = { one = "{count} 人", other = "{count} 人" }' in target.read_text("utf-8")

    hand = target.read_text("utf-8").replace('"帳號"', '"登入帳號"')
    target.write_text(hand.replace('rows = "已匯入 {rows} 列（{file}）。"', 'rows = "{rows} 筆"'))
    write_catalog(folder, ZH_CN.replace("[demo.count]", 'added = "新客户"\n\n[demo.count]'))
    capsys.readouterr()
    assert main([str(folder)]) == 0
    out = capsys.readouterr().out
    messages = flat(target)
    assert messages["demo.account"] == "登入帳號"  # the hand edit stays
    assert messages["demo.added"] == "新客戶"  # the new key is filled
    assert messages["demo.rows"] == "已匯入 {rows} 列（{file}）。"  # lost {file}: converted again
    assert "filled: 1 keys: demo.added" in out and "converted again" in out
    assert main(["--check", str(folder)]) == 0

    assert main([str(folder), "--reconvert", "demo.account"]) == 0
    assert flat(target)["demo.account"] == "帳號"


def test_fill_writes_the_scaffold_template_with_its_fields(tmp_path, convert) -> None:
    folder = tmp_path / "PKG" / "i18n"
    write_catalog(
        folder, '[$name]\ntitle = "$title 金额"\nrate = "${name}_rate 比例"\n', suffix=".tmpl"
    )
    assert main([str(folder)]) == 0
    text = (folder / "zh_TW.toml.tmpl").read_text("utf-8")
    assert '[$name]\ntitle = "$title 金額"\nrate = "${name}_rate 比例"' in text


def test_a_line_the_tool_cannot_lay_out_is_named(tmp_path, convert) -> None:
    folder = tmp_path / "i18n"
    write_catalog(folder, '[demo]\n"quoted key" = "值"\n')
    with pytest.raises(CatalogError, match=r"zh_CN.toml:2: not a \[section\]"):
        traditional.fill_pair(traditional.catalog_pairs([folder])[0], convert)


def test_the_written_catalogs_are_valid_toml() -> None:
    pairs = traditional.catalog_pairs([traditional.PROJECT_ROOT / "plugins"])
    assert len(pairs) >= 6
    for pair in pairs:
        tomllib.loads(pair.target.read_text("utf-8"))
