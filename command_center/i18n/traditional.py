"""Fill the Traditional Chinese (``zh_TW``) catalogs from the Simplified ones.

Run from the project's root (OpenCC comes with the ``dev`` extra)::

    python -m command_center.i18n.traditional            # fill what is missing
    python -m command_center.i18n.traditional --check    # fail if anything is missing
    python -m command_center.i18n.traditional path/to/my_plugin/i18n

Every ``zh_CN.toml`` (and the scaffold's ``zh_CN.toml.tmpl``) under
``command_center/``, ``plugins/`` and ``examples/`` — or under the folders
given — gets a ``zh_TW.toml`` beside it with the same keys, in the same
order and layout. A key the ``zh_TW`` file lacks is converted from ``zh_CN``
by OpenCC (``s2twp``: Traditional characters with Taiwan phrases) and then
by :data:`TAIWAN_TERMS`, the fixes for terms OpenCC leaves in mainland
usage. A key the ``zh_TW`` file has keeps its value, hand edits included,
unless its placeholders no longer match ``zh_CN`` (then it is converted
again and reported) or it is named with ``--reconvert``. A key that
``zh_CN`` dropped is dropped. Placeholders (``{name}``, ``$title``) are
never converted; plural forms (``{ one = …, other = … }``) keep their keys.

``--check`` needs no OpenCC: it reports, per file, a missing ``zh_TW``
file, missing or extra keys and placeholders that differ from ``zh_CN``, and
exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SOURCE_LANG, TARGET_LANG = "zh_CN", "zh_TW"
OPENCC_CONFIG = "s2twp"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEARCHED = ("command_center", "plugins", "examples")

# Terms OpenCC's s2twp leaves in mainland usage (or turns into the wrong Taiwan
# term), as (regular expression on its output, Taiwan usage), applied in this
# order to the whole message after the conversion (placeholders must come out
# as they went in). Words naming a concept of the Iron Army's own document
# (../shared/domain: 提成, 跟進, 渠道, 考核, 日報, 龍虎榜, 早啟動, 夕會, 安裝調試 …)
# stay as that document writes them.
TAIWAN_TERMS: tuple[tuple[str, str], ...] = (
    # punctuation: Taiwan quotes with corner brackets
    ("“", "「"),
    ("”", "」"),
    ("‘", "『"),
    ("’", "』"),
    # sign-in, accounts, the app
    ("退出登入", "登出"),
    ("賬", "帳"),
    ("平臺", "平台"),
    ("後臺", "後台"),
    ("臺帳", "台帳"),
    ("當前", "目前"),
    ("應用的其他部分", "應用程式的其他部分"),
    ("外掛", "外掛程式"),
    ("許可權", "權限"),
    ("訪問", "存取"),
    ("資料庫地址", "資料庫位址"),
    ("錯誤資訊", "錯誤訊息"),
    ("呼叫棧", "呼叫堆疊"),
    ("識別符號", "識別碼"),
    ("對映", "對應"),
    ("下劃線", "底線"),
    ("程式碼", "代碼"),  # codes of reasons and kinds, never program source here
    ("型別", "類型"),  # kinds of things, not programming types
    ("引數", "參數"),
    ("專案", "項目"),  # items and programmes; nothing here is a "project"
    ("物件", "對象"),  # an announcement's audience, not a programming object
    ("視窗", "區間"),  # the months counted (a time window), not a screen window
    ("釋出", "發布"),  # published results and announcements, not a software release
    ("稽核", "審核"),  # approval, not an audit
    ("除錯", "調試"),  # 安裝調試: installing and commissioning an order
    ("新建", "新增"),
    # tables: a row is 列 and a column 欄 in Taiwan; a line of text stays 行
    (r"(\{column\}) 列", r"\1 欄"),
    ("列是", "欄是"),
    ("行是", "列是"),
    ("列名", "欄名"),
    (r"(\{(?:rows|count|size)\}) 行", r"\1 列"),
    ("訂單行", "訂單明細"),
    ("明細行", "明細列"),
    ("行號", "列號"),
    ("的行不指向", "的資料列不指向"),
    ("已有行", "已有資料列"),
    ("這些行", "這些資料列"),
    ("這一行", "這一列"),
    ("^行$", "列"),
    # weeks: 週 (OpenCC writes it only where it sees a whole word)
    ("^周$", "週"),
    (r"周(?=例會|或月)", "週"),
    (r"(\}|\d)( ?)周", r"\1\2週"),
    # figures and their comparisons
    ("同比增長", "年增率"),
    ("環比", "較上期"),
    # wording
    ("計劃", "計畫"),
    ("質量", "品質"),
    ("模板", "範本"),
    ("反饋", "回饋"),
    ("簡歷", "履歷"),
    ("營銷", "行銷"),
    ("儀表盤", "儀表板"),
    ("示例", "範例"),
    ("幣種", "幣別"),
    ("郵箱", "電子郵件信箱"),
    ("文本", "文字"),
    ("升序", "遞增"),
    ("降序", "遞減"),
    ("回滾", "復原"),
    ("打分", "評分"),
    ("保存", "儲存"),  # OpenCC misses it inside some phrases (保存錄用通知)
    ("帶教", "輔導"),
    ("演示", "示範"),
    ("生成", "產生"),
)
_TERMS = tuple((re.compile(pattern), taiwan) for pattern, taiwan in TAIWAN_TERMS)

PLACEHOLDER = re.compile(r"\{[^{}]*\}|\$\{?\w+\}?")
FIELD = re.compile(r"\{([^{}:!]*)[^{}]*\}|\$\{?(\w+)\}?")
HEADER = re.compile(r"^\[\s*([A-Za-z0-9_.\-]+)\s*\]\s*(#.*)?$")
ENTRY = re.compile(r"^([A-Za-z0-9_\-]+)\s*=\s*(.*)$")
# The scaffold's templates hold string.Template fields ($name, ${name}), which are
# not TOML: they are swapped for these tokens while a file is read and written.
TEMPLATE_FIELD = re.compile(r"\$\{?([A-Za-z_]\w*)\}?")
TEMPLATE_TOKEN = re.compile(r"__tmpl_([A-Za-z_]\w*?)__")

GENERATED_HEADER = (
    "# 繁體中文（台灣）文案。鍵與 zh_CN 完全一致（有測試檢查）。\n"
    "# 缺少的鍵由 python -m command_center.i18n.traditional 自 zh_CN 轉換補上"
    "（OpenCC s2twp 加上台灣用語修正）；已有的值，包括手動修改，重跑時保留。\n"
)


class CatalogError(ValueError):
    """A catalog the tool cannot read or lay out; the message names file and line."""


@dataclass(frozen=True)
class CatalogPair:
    """A ``zh_CN`` catalog and the ``zh_TW`` one beside it."""

    source: Path
    target: Path

    @property
    def is_template(self) -> bool:
        return self.source.name.endswith(".tmpl")


@dataclass
class Report:
    """What one catalog pair lacks (check) or what was done to it (fill)."""

    pair: CatalogPair
    target_missing: bool = False
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    reconverted: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def problems(self) -> bool:
        return self.target_missing or bool(self.missing or self.extra or self.placeholders)

    def fill_lines(self, root: Path) -> list[str]:
        """What a fill did, one line per kind of change."""
        name = _shown(self.pair.target, root)
        out = [f"{name}: created"] if self.target_missing else []
        for title, keys in (
            ("filled", self.missing),
            ("converted again (placeholders changed or --reconvert)", self.reconverted),
            ("dropped (no longer in zh_CN)", self.extra),
        ):
            if keys:
                out.append(f"{name}: {title}: {len(keys)} keys: {_listed(keys)}")
        return out

    def lines(self, root: Path) -> list[str]:
        """What a check found, one line per kind of problem."""
        name = _shown(self.pair.target, root)
        out = []
        if self.target_missing:
            out.append(f"{name}: missing (no {TARGET_LANG} catalog beside {SOURCE_LANG})")
        for title, keys in (
            ("missing keys", self.missing),
            ("keys zh_CN does not have", self.extra),
            ("placeholders differ from zh_CN", self.placeholders),
        ):
            if keys:
                out.append(f"{name}: {title}: {_listed(keys)}")
        return out


# -- reading ------------------------------------------------------------------


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _listed(keys: Sequence[str], most: int = 8) -> str:
    shown = ", ".join(_retemplate(key) for key in keys[:most])
    return shown + (f" … (+{len(keys) - most})" if len(keys) > most else "")


def _untemplate(text: str) -> str:
    return TEMPLATE_FIELD.sub(lambda m: f"__tmpl_{m.group(1)}__", text)


def _retemplate(text: str) -> str:
    def field(match: re.Match[str]) -> str:
        follows = text[match.end() : match.end() + 1]
        name = match.group(1)
        return f"${{{name}}}" if follows and (follows.isalnum() or follows == "_") else f"${name}"

    return TEMPLATE_TOKEN.sub(field, text)


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def read_catalog(path: Path, template: bool) -> tuple[str, dict[str, str]]:
    """The text of ``path`` (template fields swapped for tokens) and its flat keys."""
    text = path.read_text("utf-8")
    if template:
        text = _untemplate(text)
    try:
        return text, _flatten(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc


def catalog_pairs(folders: Iterable[Path]) -> list[CatalogPair]:
    """Every ``zh_CN`` catalog (``.toml`` and scaffold ``.toml.tmpl``) under ``folders``."""
    found: set[Path] = set()
    for folder in folders:
        if not folder.exists():
            raise CatalogError(f"{folder}: no such folder")
        for name in (f"{SOURCE_LANG}.toml", f"{SOURCE_LANG}.toml.tmpl"):
            candidates = [folder / name] if (folder / name).exists() else folder.rglob(name)
            found.update(
                path
                for path in candidates
                if not {".venv", "build", "node_modules"} & set(path.parts)
                and not any(part.endswith(".egg-info") for part in path.parts)
            )
    return [
        CatalogPair(path, path.with_name(path.name.replace(SOURCE_LANG, TARGET_LANG, 1)))
        for path in sorted(found)
    ]


def fields(text: str) -> set[str]:
    """The placeholders of a message: ``{count}``, ``{amount:,.0f}`` → ``amount``, ``$title``."""
    return {a or b for a, b in FIELD.findall(text)}


# -- converting ---------------------------------------------------------------


def opencc_converter() -> Callable[[str], str]:
    """OpenCC's ``s2twp`` conversion; a clear error if the ``dev`` extra is not installed."""
    try:
        import opencc  # only the fill needs it, and only developers run it
    except ImportError as exc:
        raise CatalogError(
            "OpenCC is not installed: pip install -e '.[dev]' (or pip install opencc)"
        ) from exc
    return opencc.OpenCC(OPENCC_CONFIG).convert


def to_taiwan(text: str, convert: Callable[[str], str]) -> str:
    """``text`` in Traditional Chinese with Taiwan terms; placeholders untouched.

    OpenCC converts the words between placeholders, then :data:`TAIWAN_TERMS`
    apply to the whole message (a term may be anchored on a placeholder).
    """
    out, start = [], 0
    for match in PLACEHOLDER.finditer(text):
        out.append(convert(text[start : match.start()]) if match.start() > start else "")
        out.append(match.group(0))
        start = match.end()
    out.append(convert(text[start:]) if start < len(text) else "")
    converted = "".join(out)
    for pattern, taiwan in _TERMS:
        converted = pattern.sub(taiwan, converted)
    if fields(converted) != fields(text):
        raise CatalogError(f"converting {text!r} changed its placeholders: {converted!r}")
    return converted


# -- merging and writing ------------------------------------------------------


def merge(
    source: Mapping[str, str],
    target: Mapping[str, str],
    convert: Callable[[str], str],
    reconvert: Sequence[str] = (),
) -> tuple[dict[str, str], list[str], list[str]]:
    """The ``zh_TW`` messages: kept where present and sound, converted where not.

    Returns the messages, the keys filled and the keys converted again.
    """
    merged: dict[str, str] = {}
    filled, again = [], []
    for key, text in source.items():
        kept = target.get(key)
        wanted = any(key == p or key.startswith(f"{p}.") for p in reconvert)
        if kept is not None and not wanted and fields(kept) == fields(text):
            merged[key] = kept
            continue
        merged[key] = to_taiwan(text, convert)
        (filled if kept is None else again).append(key)
    return merged, filled, again


def _toml_string(text: str, multiline: bool) -> str:
    if multiline and "\n" in text:
        body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
        return '"""' + ("\n" if body.startswith("\n") else "") + body + '"""'
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _entry_end(lines: list[str], index: int, path: Path) -> int:
    """The index of the last line of the entry starting at ``index``."""
    value = ENTRY.match(lines[index]).group(2)  # type: ignore[union-attr]
    if value.count('"""') % 2 == 0:
        return index
    for end in range(index + 1, len(lines)):
        if '"""' in lines[end]:
            return end
    raise CatalogError(f"{path}:{index + 1}: multi-line string never closed")


def render(
    source_text: str, messages: Mapping[str, str], path: Path, convert: Callable[[str], str]
) -> str:
    """``messages`` laid out as ``source_text`` (sections, order, comments converted),
    under :data:`GENERATED_HEADER` instead of the source's opening comment."""
    lines = source_text.split("\n")
    out: list[str] = [GENERATED_HEADER.rstrip("\n")]
    section = ""
    index = 0
    while index < len(lines) and lines[index].lstrip().startswith("#"):
        index += 1  # the source's opening comment: replaced by the header
    while index < len(lines) and not lines[index].strip():
        index += 1
    out.append("")
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            out.append(to_taiwan(line, convert))
            index += 1
            continue
        header = HEADER.match(stripped)
        if header:
            section = header.group(1)
            out.append(line)
            index += 1
            continue
        entry = ENTRY.match(line)
        if not entry:
            raise CatalogError(
                f"{path}:{index + 1}: not a [section] or key = value line the tool can lay "
                f"out: {line.strip()[:60]!r}"
            )
        end = _entry_end(lines, index, path)
        key = f"{section}.{entry.group(1)}" if section else entry.group(1)
        value = entry.group(2).strip()
        if value.startswith("{"):
            forms = [k for k in messages if k.startswith(f"{key}.")]
            if not forms:
                raise CatalogError(f"{path}:{index + 1}: {key} has no forms")
            inner = ", ".join(
                f"{form[len(key) + 1 :]} = {_toml_string(messages[form], False)}" for form in forms
            )
            out.append(f"{entry.group(1)} = {{ {inner} }}")
        else:
            if key not in messages:
                raise CatalogError(f"{path}:{index + 1}: {key} is not a plain message")
            multiline = value.startswith('"""')
            out.append(f"{entry.group(1)} = {_toml_string(messages[key], multiline)}")
        index = end + 1
    return "\n".join(out)


# -- the two commands ---------------------------------------------------------


def check_pair(pair: CatalogPair) -> Report:
    """What the ``zh_TW`` catalog of ``pair`` lacks; reads only, needs no OpenCC."""
    report = Report(pair)
    _, source = read_catalog(pair.source, pair.is_template)
    if not pair.target.exists():
        report.target_missing = True
        return report
    _, target = read_catalog(pair.target, pair.is_template)
    report.missing = [key for key in source if key not in target]
    report.extra = [key for key in target if key not in source]
    report.placeholders = [
        key for key in source if key in target and fields(source[key]) != fields(target[key])
    ]
    return report


def fill_pair(
    pair: CatalogPair, convert: Callable[[str], str], reconvert: Sequence[str] = ()
) -> Report:
    """Write the ``zh_TW`` catalog of ``pair``: missing keys converted, the rest kept."""
    report = Report(pair)
    source_text, source = read_catalog(pair.source, pair.is_template)
    target: dict[str, str] = {}
    if pair.target.exists():
        _, target = read_catalog(pair.target, pair.is_template)
    else:
        report.target_missing = True
    messages, report.missing, report.reconverted = merge(source, target, convert, reconvert)
    report.extra = [key for key in target if key not in source]
    text = render(source_text, messages, pair.source, convert)
    written = _flatten(tomllib.loads(text))
    if written != messages:  # the layout lost or changed a message: never write that
        wrong = sorted(set(written.items()) ^ set(messages.items()))[:3]
        raise CatalogError(f"{pair.target}: laid out wrongly, e.g. {wrong}")
    if pair.is_template:
        text = _retemplate(text)
    text = text.rstrip("\n") + "\n"
    if not pair.target.exists() or pair.target.read_text("utf-8") != text:
        pair.target.write_text(text, "utf-8")
        report.written = True
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m command_center.i18n.traditional",
        description="Fill zh_TW catalogs from zh_CN (OpenCC s2twp and Taiwan terms); "
        "hand-edited values are kept.",
    )
    parser.add_argument(
        "folders",
        nargs="*",
        type=Path,
        help=f"folders searched for {SOURCE_LANG}.toml (default: {', '.join(SEARCHED)})",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a key is missing"
    )
    parser.add_argument(
        "--reconvert",
        action="append",
        default=[],
        metavar="KEY",
        help="convert this key (or every key under this prefix) again, dropping its value",
    )
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    folders = [f.resolve() for f in args.folders] or [root / name for name in SEARCHED]
    try:
        pairs = catalog_pairs(folders)
        if not pairs:
            print(f"no {SOURCE_LANG}.toml under {', '.join(map(str, folders))}", file=sys.stderr)
            return 1
        if args.check:
            reports = [check_pair(pair) for pair in pairs]
            for report in reports:
                for line in report.lines(root):
                    print(line)
            bad = sum(report.problems for report in reports)
            print(f"{len(pairs)} {TARGET_LANG} catalogs checked, {bad} with problems")
            return 1 if bad else 0
        convert = opencc_converter()
        written = 0
        for pair in pairs:
            report = fill_pair(pair, convert, args.reconvert)
            written += report.written
            for line in report.fill_lines(root):
                print(line)
        print(f"{len(pairs)} {TARGET_LANG} catalogs, {written} written")
        return 0
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
