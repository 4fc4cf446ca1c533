"""Tests for textkit.corpus.clean on the seed articles and on generated text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import opencc
import pandas as pd
import pytest

from textkit.corpus.clean import (
    CleanConfig,
    clean_documents,
    clean_text,
    holds_traditional,
    load_rules,
    to_simplified,
)
from textkit.corpus.ingest import read_pages
from textkit.corpus.split import split_pages

RAW_DIR = Path(__file__).resolve().parents[2] / "corpus" / "raw"
T2S = opencc.OpenCC("t2s")

CHROME = [
    "好范文",
    "好范 文",
    "原创:",
    "原创：",
    "查看更多文章",
    "来源说明",
    "http",
    "www.",
    "bsmz",
    "狠狠干",
    "影院",
    "— 2 —",
    "— 1 —",
    "僅限學習交流",
    "仅限学习交流",
    "????",
    "\ufffd",
    "锟斤拷",
    "首页",
    "浏览次数",
    "推荐访问",
    "笔构网",
    "免责声明",
    "以下是为大家整理的",
]


@pytest.fixture(scope="module")
def cleaned():
    docs = split_pages(read_pages(RAW_DIR))
    return docs, clean_documents(docs)


def test_columns_and_input_untouched(cleaned):
    raw, docs = cleaned
    assert list(docs.columns) == list(raw.columns) + [
        "text",
        "n_chars",
        "clean_log",
        "damage_ratio",
        "status",
    ]
    assert docs["text_raw"].tolist() == raw["text_raw"].tolist()
    assert (docs["n_chars"] == docs["text"].str.len()).all()
    assert (docs["status"] == "kept").all()
    for log in docs["clean_log"]:
        d = json.loads(log)
        assert list(d) == sorted(d) and all(isinstance(v, int) and v > 0 for v in d.values())


def test_no_chrome_watermark_spam_or_traditional(cleaned):
    _, docs = cleaned
    for doc_id, text in zip(docs["doc_id"], docs["text"], strict=True):
        for bad in CHROME:
            assert bad not in text, (doc_id, bad)
        assert T2S.convert(text) == text, doc_id
        assert "\n\n" not in text and text == text.strip()
        assert all(line == line.strip() and line for line in text.split("\n"))
        assert not re.search(r"[\u2f00-\u2fdf\uf900-\ufaff\u200b\u00a0\u3000]", text)
        assert not re.search(r"[０-９Ａ-Ｚａ-ｚ]", text)
    titles = docs.set_index("doc_id")["title"]
    assert titles["001_aabf14e4f143a46b#02"] == "基层干部的无力感从何而来"
    assert titles["001_aabf14e4f143a46b#04"] == "为什么要创新社会治理体制？"


def test_watermarks_removed_inside_sentences(cleaned):
    _, docs = cleaned
    d = docs.set_index("doc_id")["text"]
    assert "搞好责任制的落实" in d["003_4542067cb4fbbdc2#05"]
    assert "作为年终考核的一项重要内容。同时" in d["000_bf6d7cf6cc31cd7b#02"]
    assert "也没有一起到县、市、省上访事件。" in d["000_bf6d7cf6cc31cd7b#03"]


def test_placeholders_rewritten(cleaned):
    _, docs = cleaned
    d = docs.set_index("doc_id")["text"]
    all_text = "\n".join(d)
    for mask in ("xx镇", "201*年", "201X年", "20xx年", "20__年", "**市", "XX市", "__县", "**县"):
        assert mask not in all_text, mask
    assert d["000_bf6d7cf6cc31cd7b#01"].startswith("某镇毗邻京津")
    assert "某年，某市综治委" in d["001_aabf14e4f143a46b#03"]
    assert d["004_1031bda60efd16f2#03"].startswith("某年以来，某县检察院")
    assert "某县某镇党委、政府结合某镇" in d["000_bf6d7cf6cc31cd7b#03"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("xx镇", "某镇"),
        ("XX县", "某县"),
        ("**市", "某市"),
        ("__县", "某县"),
        ("201*年", "某年"),
        ("201X年", "某年"),
        ("20xx年", "某年"),
        ("20__年", "某年"),
        ("~年", "某年"),
        ("xxx同志", "某某同志"),
        ("qqq习练者", "某某习练者"),
        ("乾安县", "乾安县"),
        ("基層治理體制機制", "基层治理体制机制"),
        ("时间:2019-05-22 11:24:58。", "时间：2019-05-22 11:24:58。"),
        ("一、加强领导,健全组织", "一、加强领导，健全组织"),
        ('总书记"三个代表"的重要思想', "总书记“三个代表”的重要思想"),
        ("(一)指导思想", "（一）指导思想"),
        ("比例在1:1之上", "比例在1:1之上"),
        ("１２３ＡＢＣ人，。！", "123ABC人，。！"),
        ("\u2f00\u200b\u00a0个", "一个"),
        ("Susan Shirk, Minxin Pei", "Susan Shirk, Minxin Pei"),
        ("今年以来, 梁庄乡", "今年以来，梁庄乡"),
    ],
)
def test_rules_on_snippets(raw, expected):
    assert clean_text(raw)[0] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # on a keyword line a space between Chinese characters parts two keywords
        ("关键词：高速公路  改扩建 动态管理", "关键词：高速公路；改扩建；动态管理"),
        ("【关键词】基层 法治建设", "【关键词】基层；法治建设"),
        # elsewhere a space next to Chinese is dropped: in scraped and extracted text it is
        # far more often a stray space inside a word (网格 员, 工作 回顾) than a separator
        ("第一条 为了加强基层治理，制定本条例。", "第一条为了加强基层治理，制定本条例。"),
        ("基层治 理要依靠群众", "基层治理要依靠群众"),
        ("社 会 治 安", "社会治安"),
    ],
)
def test_spaces_next_to_chinese_are_dropped_except_between_keywords(raw, expected):
    assert clean_text(raw)[0] == expected
    assert clean_text(expected)[0] == expected


def test_pdf_footers_and_broken_lines(cleaned):
    _, docs = cleaned
    t = docs.set_index("doc_id")["text"]["001_aabf14e4f143a46b#02"]
    # a paragraph broken across a page footer is whole again
    assert "如上所述，乡镇街道的一个科室，往往要对应县级政府" in t
    assert "其“权能较小”是由其科层体制层级所决定" in t
    # headings stay on their own line
    lines = t.split("\n")
    assert "权小事多人少责任大：基层政府治理困局的制度性特征" in lines
    assert "深化行政体制改革：基层政府治理亟待走向现代化" in lines
    t4 = docs.set_index("doc_id")["text"]["000_bf6d7cf6cc31cd7b#04"]
    assert "一、加强领导，健全组织" in t4.split("\n")
    t0 = docs.set_index("doc_id")["text"]["000_bf6d7cf6cc31cd7b#02"]
    assert "控制在最低水平，将各类矛盾化解在萌芽状态之中" in t0


# Paragraphs of a governance report, 50-95 characters: two lines at a wrap of 40-49
TWO_LINE_PARAGRAPHS = [
    "严厉打击各类违法犯罪活动，深入推进扫黑除恶常态化，维护社会治安秩序。加强网格化管理，"
    "每个网格配备专职网格员，做到底数清、情况明。",
    "加强宣传引导，及时总结推广好经验好做法，营造良好社会氛围。健全公共法律服务体系，"
    "实现村居法律顾问全覆盖，为群众提供免费法律咨询。",
    "推行重点人员稳控责任到人，实行一人一档、一人一策。建立健全居民议事会、恳谈会等协商平台，"
    "引导群众有序参与社区治理。",
]


def _hard_wrap(paragraphs: list[str], width: int) -> str:
    """The paragraphs as a PDF text layer wraps them: every ``width`` characters."""
    return "\n".join(
        "\n".join(p[i : i + width] for i in range(0, len(p), width)) for p in paragraphs
    )


def test_pdf_paragraphs_of_two_lines_are_rejoined(make_pdf):
    """A PDF whose paragraphs wrap onto exactly two lines: the short last line of each joins
    the line at the wrap width before it (each break used to survive: 配备专 / 职网格员)."""
    from textkit.corpus.extract import extract_text

    title = "某县关于加强和创新基层社会治理的工作方案"
    signature = ["某县人民政府办公室", "2022年3月15日"]
    res = extract_text(make_pdf(["\n".join([title, *TWO_LINE_PARAGRAPHS, *signature])]), "a.pdf")
    assert res.ok
    raw = res.text.split("\n")
    assert len(raw) == 1 + 2 * len(TWO_LINE_PARAGRAPHS) + 2  # each paragraph wrapped once
    text, log = clean_text(res.text)
    assert text.split("\n") == [title, *TWO_LINE_PARAGRAPHS, *signature]
    assert log["rejoin"] == len(TWO_LINE_PARAGRAPHS)


@pytest.mark.parametrize("width", [40, 45, 49])
def test_two_line_paragraphs_at_any_wrap_width(width):
    text, _ = clean_text(_hard_wrap(TWO_LINE_PARAGRAPHS, width))
    assert text.split("\n") == TWO_LINE_PARAGRAPHS


def test_two_line_rejoin_keeps_titles_headings_labels_and_lists():
    """Beside wrapped paragraphs (wrap: 40 characters), a line at the wrap width that is not
    running text keeps the short line after it: a title, a heading (with or without a
    comma), and a line ending a clause with ；; a short line that ends no sentence (a
    signature) stays apart too. A heading that runs into its paragraph is joined."""
    title = "某市关于进一步加强和创新基层社会治理推进市域社会治理体系和治理能力现代化的实施方案"
    heading = "三、乡镇、村两委、群众对村民议事会制度的看法以及进一步完善村民议事会制度的意见建议"
    heading_comma = (
        "一、坚持党建引领基层社会治理，健全党组织领导的自治、法治、德治相结合的城乡基层治理体系"
    )
    item = "1、各乡镇街道要建立健全矛盾纠纷排查化解工作台账，实行销号管理，做到底数清、情况明；"
    run_in = (
        "（一）加强组织领导。各地各部门要高度重视，结合实际认真研究制定具体实施方案，明确"
        "责任分工，层层压实工作责任。"
    )
    for line in (title, heading, heading_comma, item):
        assert 38 <= len(line) <= 44, line  # at the wrap width
    lines = [
        title,
        "各乡镇街道要认真贯彻落实。",
        *_hard_wrap(TWO_LINE_PARAGRAPHS[:2], 40).split("\n"),
        heading,
        "乡镇的看法：",
        heading_comma,
        "各地要结合实际抓好落实。",
        item,
        "2、村级组织要按月报送。",
        *_hard_wrap([run_in], 40).split("\n"),
        TWO_LINE_PARAGRAPHS[2][:40],
        "某县人民政府办公室",
    ]
    text, _ = clean_text("\n".join(lines))
    assert text.split("\n") == [
        title,
        "各乡镇街道要认真贯彻落实。",
        *TWO_LINE_PARAGRAPHS[:2],
        heading,
        "乡镇的看法：",
        heading_comma,
        "各地要结合实际抓好落实。",
        item,
        "2、村级组织要按月报送。",
        run_in,
        TWO_LINE_PARAGRAPHS[2][:40],
        "某县人民政府办公室",
    ]


def test_seed_labels_after_a_heading_stay_apart(cleaned):
    """In a web page whose headings share a width (a wrap width for the rejoin step), the
    heading and the label under it stay two lines (三、…的看法 / 乡镇的看法：)."""
    _, docs = cleaned
    lines = docs.set_index("doc_id")["text"]["001_aabf14e4f143a46b#01"].split("\n")
    i = lines.index("三、乡镇、村两委、群众对议事会制度的看法")
    assert lines[i + 1] == "乡镇的看法："


def test_rejoin_line_starting_with_comma():
    text = "通过学习法律、知晓法律、运用法律\n\n,有效地减少了各种民事纠纷的发生。"
    assert (
        clean_text(text)[0] == "通过学习法律、知晓法律、运用法律，有效地减少了各种民事纠纷的发生。"
    )


def test_cleaning_is_idempotent_on_seeds(cleaned):
    _, docs = cleaned
    for text in docs["text"]:
        assert clean_text(text)[0] == text


def test_user_rules_file(tmp_path):
    src = Path(load_rules().source)
    if not src.is_absolute():
        src = Path(__file__).resolve().parents[2] / src
    text = src.read_text(encoding="utf-8").replace(
        "'查看更多文章'", "'查看更多文章'\n      - '广告位'"
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    cfg = CleanConfig(rules_path=str(path))
    assert clean_text("治理广告位工作", cfg)[0] == "治理工作"
    assert clean_text("治理广告位工作")[0] == "治理广告位工作"
    bad = tmp_path / "bad.yaml"
    bad.write_text("line_rules: [{name: x, purpose: y, patterns: ['(']}]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.yaml"):
        load_rules(bad)


def test_rules_table_documents_every_rule():
    rules = load_rules()
    table = rules.table()
    assert {"site_chrome", "seo_spam", "pdf_footer", "watermark", "url", "mojibake"} <= set(
        table["name"]
    )


def test_config_validation(tmp_path):
    with pytest.raises(ValueError, match="quarantine_ratio"):
        CleanConfig(quarantine_ratio=1.5)
    with pytest.raises(ValueError, match="rules_path"):
        CleanConfig(rules_path=str(tmp_path / "missing.yaml"))
    with pytest.raises(ValueError, match="long_line_width"):
        CleanConfig(long_line_width=1)
    with pytest.raises(TypeError):
        clean_text(None)  # type: ignore[arg-type]


def test_cleaning_memo_reuses_the_split_cleaning_and_changes_nothing(cleaned):
    import pandas as pd

    from textkit.corpus.clean import _MEMO, cleaning_memo

    raw_docs = cleaned[0]
    fresh = clean_documents(raw_docs)
    with cleaning_memo():
        first = [clean_text(t) for t in raw_docs["text_raw"]]
        n = len(_MEMO.get())
        assert n == raw_docs["text_raw"].nunique()  # one entry per distinct text
        first[0][1]["invisible"] = -1  # a caller mutating its log does not reach the memo
        memoised = clean_documents(raw_docs)
        assert len(_MEMO.get()) == n  # clean_documents found every text in the memo
        other = CleanConfig(opencc_config="t2s", quarantine_ratio=0.5)
        clean_text(raw_docs["text_raw"].iloc[0], other)
        assert len(_MEMO.get()) == n + 1  # other settings: another entry
    assert _MEMO.get() is None  # dropped with the block
    pd.testing.assert_frame_equal(memoised, fresh)


REPORT_LINE = (
    "一、过去一年的工作　　回顾过去一年，我们坚持稳中求进，经济运行总体平稳。"
    "　　二、主要任务　　全面推进基层治理，完善网格化管理；"
    "　　三、工作要求　　各级政府要切实履职尽责。"
)


def test_ideographic_indent_starts_a_paragraph():
    from textkit.segment.units import split_paragraphs

    text, log = clean_text(REPORT_LINE)
    assert split_paragraphs(text) == [
        "一、过去一年的工作回顾过去一年，我们坚持稳中求进，经济运行总体平稳。",
        "二、主要任务全面推进基层治理，完善网格化管理；",
        "三、工作要求各级政府要切实履职尽责。",
    ]
    assert log["paragraph_indent"] == 4
    assert clean_text(text)[0] == text  # idempotent
    # ASCII spaces of the same width, and closing quotes after the sentence end
    ascii_line = "他说：“工作做完了。”    二、主要任务。  三、工作要求。"
    assert clean_text(ascii_line)[0].split("\n") == [
        "他说：“工作做完了。”",
        "二、主要任务。",
        "三、工作要求。",
    ]


def test_single_or_mid_sentence_spaces_do_not_split():
    assert clean_text("我们坚持　稳中求进。　全面推进基层治理。")[0] == (
        "我们坚持稳中求进。全面推进基层治理。"
    )
    assert clean_text("姓　　名：张三。工作单位：某镇人民政府。")[0] == (
        "姓名：张三。工作单位：某镇人民政府。"
    )
    assert "paragraph_indent" not in clean_text("我们坚持　稳中求进。　全面推进。")[1]


def test_indented_report_line_in_documents_and_units():
    import pandas as pd

    from textkit.segment.corpus import segment_corpus

    docs = clean_documents(pd.DataFrame({"doc_id": ["r1"], "text_raw": [REPORT_LINE]}))
    units = segment_corpus(docs, unit="paragraph", cache=False)
    assert units["para_id"].tolist() == [0, 1, 2]
    assert units["text"].str.startswith(("一、", "二、", "三、")).all()
    assert json.loads(docs.loc[0, "clean_log"])["paragraph_indent"] == 4


def test_rules_file_without_paragraph_indent(tmp_path):
    src = Path(load_rules().source)
    if not src.is_absolute():
        src = Path(__file__).resolve().parents[2] / src
    lines = src.read_text(encoding="utf-8").splitlines()
    kept = [x for x in lines if not x.startswith("  paragraph_indent:")]
    assert len(kept) == len(lines) - 1
    path = tmp_path / "rules.yaml"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    cfg = CleanConfig(rules_path=str(path))
    assert load_rules(path).paragraph_indent is None
    assert "\n" not in clean_text(REPORT_LINE, cfg)[0]
    assert "paragraph_indent" in set(load_rules().table()["name"])
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "\n".join(x.replace("([\\u3000 ]{2,})", "[\\u3000 ]{2,}") for x in lines) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="paragraph_indent"):
        load_rules(bad)


def test_holds_traditional_agrees_with_the_conversion_on_seed_paragraphs(cleaned):
    """The cheap per-character test says "traditional" exactly where OpenCC changes a
    paragraph of the raw seed pages (several are in traditional characters), and never for
    the cleaned text; a phrase-only form (藉口) is the documented miss."""
    raw, docs = cleaned
    paragraphs = [p for text in raw["text_raw"] for p in text.split("\n") if p.strip()]
    flagged = [holds_traditional(p) for p in paragraphs]
    assert flagged == [to_simplified(p) != p for p in paragraphs]
    assert 20 < sum(flagged) < len(flagged)
    assert not any(holds_traditional(text) for text in docs["text"])
    assert holds_traditional("維護社會穩定") and not holds_traditional("维护社会稳定")
    assert not holds_traditional("") and not holds_traditional("ASCII only 123")
    assert to_simplified("藉口") == "借口" and not holds_traditional("藉口")


# ---------------------------------------------------------------------------------------
# HTML markup left in a text (a scraped table whose cells hold the pages' HTML)

_CELL_HTML = (
    '<div class="content"><p style="text-indent:2em">坚持依法行政，推进基层公共服务标准化建设。'
    "</p>\n<p>加强矛盾纠纷排查化解，维护社会稳定。&nbsp;&nbsp;开展社区网格化服务管理。</p>"
    '<br/><img src="a.png"><script>var x = "<p>不要读</p>";</script>'
    '<div class="nav">首页 | 政策文件 | 工作动态</div></div>'
)


def test_markup_in_a_text_is_read_as_html():
    text, log = clean_text(_CELL_HTML)
    assert text == (
        "坚持依法行政，推进基层公共服务标准化建设。\n"
        "加强矛盾纠纷排查化解，维护社会稳定。开展社区网格化服务管理。"
    )
    assert log["markup"] > 0
    assert clean_text(text)[0] == text  # idempotent


def test_line_breaks_of_a_text_with_some_markup_still_end_lines():
    # a plain-text cell with an occasional <br>: its own line breaks are kept
    text, _ = clean_text("第一段，推进平安建设。\n第二段，完善公共服务。<br>第三段，依法行政。")
    assert text.split("\n") == [
        "第一段，推进平安建设。",
        "第二段，完善公共服务。",
        "第三段，依法行政。",
    ]


def test_character_references_alone_are_decoded():
    text, log = clean_text("市委&amp;市政府印发《关于加强基层治理的意见》&#12290;")
    assert text == "市委&市政府印发《关于加强基层治理的意见》。"
    assert log["markup"] == len("&amp;") - 1 + len("&#12290;") - 1


@pytest.mark.parametrize(
    "plain",
    [
        "学习<<中华人民共和国宪法>>，增强法治意识。",
        "当a<b且b>c时，关系成立。",
        "参见<附件一>和<附件二>。",
        "P&G公司与社区共建。",
    ],
)
def test_text_that_only_looks_like_markup_is_kept(plain):
    text, log = clean_text(plain)
    assert "markup" not in log
    han = re.compile(r"[^\u4e00-\u9fff]")
    assert han.sub("", text) == han.sub("", plain)


def test_a_table_of_html_cells_builds_clean_documents(tmp_path):
    import textkit as tk

    frame = pd.DataFrame(
        {"text": [_CELL_HTML, "严厉打击违法犯罪活动，强化治安防控。<br>推进平安建设。"]}
    )
    frame.to_csv(tmp_path / "t.csv", index=False)
    docs = tk.build_corpus(tk.read_texts(tmp_path / "t.csv")).documents
    assert not docs["text"].str.contains("<|>|&nbsp", regex=True).any()
    assert docs["text"].iloc[1] == "严厉打击违法犯罪活动，强化治安防控。\n推进平安建设。"
    assert all("markup" in json.loads(log) for log in docs["clean_log"])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # a CMS export that escaped its HTML twice: peeled level by level
        (
            "&amp;lt;p&amp;gt;坚持和发展新时代枫桥经验。&amp;lt;/p&amp;gt;"
            "&amp;lt;p&amp;gt;推进依法行政。&amp;lt;/p&amp;gt;",
            "坚持和发展新时代枫桥经验。\n推进依法行政。",
        ),
        ("<p>坚持和发展新时代枫桥经验。</p><p>&amp;nbsp;推进依法行政。</p>",
         "坚持和发展新时代枫桥经验。\n推进依法行政。"),
        # a < that starts no tag stays text, also beside real tags
        ("<p>规定x<y的情况，推进社会治安综合治理。</p>", "规定x<y的情况，推进社会治安综合治理。"),
        ("<p>当a<b且c>d时，推进依法行政。</p>", "当a<b且c>d时，推进依法行政。"),
        ("<p>学习<附件一>，推进依法行政。</p>", "学习<附件一>，推进依法行政。"),
        # a tag with a very long attribute (an inline image) is still markup
        (f'<img src="data:image/png;base64,{"A" * 6000}">推进依法行政。', "推进依法行政。"),
    ],
)  # fmt: skip
def test_markup_is_peeled_without_losing_text(cell, expected):
    text, log = clean_text(cell)
    assert text == expected
    assert log["markup"] > 0


def test_a_cell_of_markup_only_is_quarantined_not_analysed(tmp_path):
    import textkit as tk

    frame = pd.DataFrame(
        {"text": ["把信访维稳工作纳入年度考核。", "<p>&nbsp;</p><br/>", "推进依法行政。"]}
    )
    frame.to_csv(tmp_path / "t.csv", index=False)
    build = tk.build_corpus(tk.read_texts(tmp_path / "t.csv"))
    docs = build.documents.set_index("doc_id")
    assert docs.loc["t#02", "status"] == "quarantined"
    assert docs.loc["t#02", "flag_reason"] == "no text after cleaning"
    assert build.report["texts"]["identity"] == (
        "3 rows = 2 kept + 0 flagged + 1 quarantined + 0 rejected"
    )
    for rule in ("kept", "unique", "all"):
        analysed = tk.analysed_documents(build.documents, rule)
        assert "t#02" not in set(analysed["doc_id"])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("<p><![CDATA[坚持依法行政，推进公共服务。]]></p>", "坚持依法行政，推进公共服务。"),
        ('<st1:chsdate Year="2021" w:st="on">2021年3月</st1:chsdate>推进依法行政。',
         "2021年3月推进依法行政。"),
        ("<p>推进依法行政。</p><nobr>维护稳定</nobr>", "推进依法行政。\n维护稳定"),
        # a cell cut off inside a tag (a spreadsheet's cell length limit)
        ('<p>推进依法行政。</p><img src="data:image/png;base64,iVBORw0KGgo', "推进依法行政。"),
        ("&nbsp&nbsp推进依法行政。", "推进依法行政。"),
    ],
)  # fmt: skip
def test_more_markup_of_scraped_cells(cell, expected):
    assert clean_text(cell)[0] == expected


def test_titles_lose_their_markup():
    docs = pd.DataFrame(
        {
            "doc_id": ["a"],
            "text_raw": ["推进依法行政。"],
            "title": ["<p>关于&ldquo;依法行政&rdquo;的通知</p>"],
        }
    )
    assert clean_documents(docs)["title"].iloc[0] == "关于“依法行政”的通知"


# A news report as the newspaper printed it, with sentences that mention 来源, 编辑 and 责任.
_NEWS = (
    "临江市召开社会治安综合治理工作会议。会议强调，要坚持和发展新时代枫桥经验，把矛盾纠纷化解在基层。\n"
    "会议要求，各乡镇要落实领导责任制，责任编辑和审核人员对宣传稿件内容负责，严防错误信息发布。\n"
    "据介绍，矛盾纠纷的来源主要是土地征收和劳资纠纷，今年以来全市共排查化解矛盾纠纷3200余件。\n"
    "资金来源：市级财政专项资金，不足部分由乡镇自筹。"
)
# The same report reposted by a government site, with its header and footer chrome.
_REPOST = (
    "【字体：大 中 小】\n"
    "来源：临江日报 记者 张三\n"
    "发布时间：2023-05-13 09:30 浏览次数：312\n" + _NEWS + "（责任编辑：王磊）\n"
    "编辑：李四 审核：赵六\n"
    "转载请注明出处\n"
    "打印本页 关闭窗口\n"
    "分享到：\n"
    "上一篇：临江市召开安全生产工作会议\n"
    "版权所有：临江市人民政府办公室 京ICP备12345678号"
)


def test_a_repost_with_site_chrome_is_a_duplicate_of_its_original(tmp_path):
    """A repost is its original plus header and footer lines: once they are cleaned away the
    two are the same text, so one copy is kept (by default the first row of equal texts, with
    keep_earliest_by the earlier one) and the other is flagged as its duplicate."""
    import textkit as tk
    from textkit.corpus.dedup import DedupConfig

    table = pd.DataFrame({"text": [_REPOST, _NEWS], "date": ["2023-05-13", "2023-05-12"]})
    table.to_csv(tmp_path / "news.csv", index=False)
    texts = tk.read_texts(tmp_path / "news.csv")
    docs = tk.build_corpus(texts).documents.set_index("doc_id")
    assert docs.loc["news#01", "text"] == docs.loc["news#02", "text"]
    kept = docs[~docs["is_duplicate"]]
    assert len(kept) == 1 and kept.index[0] == "news#01"
    assert docs.loc["news#02", "dup_of"] == "news#01"
    assert docs.loc["news#02", "similarity"] == 1.0
    text = kept["text"].iloc[0]
    for chrome in ("字体", "记者", "浏览次数", "王磊", "李四", "转载", "打印", "分享",
                   "上一篇", "版权所有", "ICP"):  # fmt: skip
        assert chrome not in text, chrome
    assert text == clean_text(_NEWS)[0]  # every sentence of the report is kept
    assert json.loads(docs.loc["news#01", "clean_log"])["news_chrome"] > 100
    earliest = tk.CorpusConfig(dedup=DedupConfig(keep_earliest_by="date"))
    docs = tk.build_corpus(texts, earliest).documents.set_index("doc_id")
    assert not docs.loc["news#02", "is_duplicate"]  # the original, published first
    assert docs.loc["news#01", "dup_of"] == "news#02"


@pytest.mark.parametrize(
    ("line", "left"),
    [
        ("会议要求，各乡镇要落实领导责任制。（责任编辑：王磊）", "会议要求，各乡镇要落实领导责任制。"),
        ("会议要求，各乡镇要落实领导责任制。编辑：李四 审核：赵六", "会议要求，各乡镇要落实领导责任制。"),
        ("会议要求，各乡镇要落实领导责任制。（转载请注明出处）", "会议要求，各乡镇要落实领导责任制。"),
        ("本报讯（记者 张三 通讯员 李四）5月12日，临江市召开综治工作会议。",
         "5月12日，临江市召开综治工作会议。"),
        ("记者：张三 李四\n会议要求，各乡镇要落实领导责任制。", "会议要求，各乡镇要落实领导责任制。"),
        ("会议要求，各乡镇要落实领导责任制。\n通讯员 王五", "会议要求，各乡镇要落实领导责任制。"),
        ("來源：臨江日報 記者 張三\n會議要求，各鄉鎮要落實領導責任制。", "会议要求，各乡镇要落实领导责任制。"),
        ("【字体：大 中 小】【打印本页】【关闭窗口】\n会议要求，各乡镇要落实领导责任制。",
         "会议要求，各乡镇要落实领导责任制。"),
        ("索引号：11330100002489/2023-00012 主题分类：公安、安全、司法\n成文日期：2023-05-10\n"
         "会议要求，各乡镇要落实领导责任制。", "会议要求，各乡镇要落实领导责任制。"),
        ("作者：\n来源：《西部大开发》2014年第05期\n会议要求，各乡镇要落实领导责任制。",
         "会议要求，各乡镇要落实领导责任制。"),
    ],
)  # fmt: skip
def test_news_chrome_lines_and_fragments_are_removed(line, left):
    text, log = clean_text(line)
    assert text == left
    assert log.get("news_chrome", 0) + log.get("news_chrome_fragment", 0) > 0


@pytest.mark.parametrize(
    "sentence",
    [
        "资金来源：县级财政专项资金，不足部分由乡镇自筹。",
        "来源：各乡镇上报的矛盾纠纷排查台账，经县综治办汇总。",
        "来源于群众、服务于群众是做好群众工作的根本方法。",
        "信息来源渠道单一，是基层预警工作的短板。",
        "编辑部全体人员参加了学习，研究落实责任编辑制度。",
        "责任编辑要严把政治关，审核人员要严把事实关。",
        "审核：街道对申报材料进行审核，符合条件的报区民政局审批。",
        "作者在调研中发现，基层治理仍存在责任不清的问题。",
        "记者：这项改革的主要目标是什么？",
        "全市共排查矛盾纠纷3200余件（来源：市综治办统计）。",
        "版权所有人应当依法维护自身权益。",
        "各单位要关闭窗口单位的非必要服务。",
        "上一篇文章提到，基层治理要坚持群众路线。",
        "记者：请谈谈今年的重点工作",  # an interview question without its question mark
        "对违法建设开展集中整治（来源于群众举报的线索除外）",  # 来源 without a colon
    ],
)
def test_sentences_that_mention_source_editor_or_responsibility_are_kept(sentence):
    """The chrome lines around a sentence go; the sentence, which names 来源, 编辑, 审核,
    责任 …, stays whole."""
    text, log = clean_text(f"来源：临江日报 记者 张三\n{sentence}\n编辑：李四 审核：赵六")
    assert text == sentence
    assert log["news_chrome"] == len("来源：临江日报 记者 张三") + len("编辑：李四 审核：赵六")
    assert "news_chrome_fragment" not in log


@pytest.mark.parametrize(
    "header",
    [
        "转自：某市政法网  发布时间：2022-01-04",  # a repost's source with its posting time
        "转载自：某市政法网",
        "摘自：《人民日报》2019年3月5日",
        "发布时间：2022-01-04 转自：某市政法网",
        "来源：某市政法网 发布日期：2022年1月4日",
        "作者：张三  发布时间：2022-01-04 10:30",
        "编辑：李四 发布时间：2022-01-04",
        "浏览次数：312 发布时间：2022-01-04",
        "时间：2022-01-04 来源：某市政法网",
        "时间：2022-01-04 10:30 来源：某市政法网 浏览次数：35",
        "时间：2022-01-04 来源：临江日报 记者 张三 编辑：李四",
    ],
)
def test_a_source_line_with_its_posting_time_is_dropped(header):
    """A header line of a source, author, editor or view count with a posting time is page
    chrome, removed as a date line alone is (the date is read before cleaning); sentences
    that name a date or 转自, and a notice's 时间：line, are kept."""
    body = [
        "近年来，某村坚持党建引领，健全自治、法治、德治相结合的乡村治理体系。",
        "2022年1月4日，某市政法网转自县委的通知要求各地推进网格化管理。",
        "时间：2022年1月4日上午9时",  # a meeting's time in a notice
        "时间：2022年1月4日 来源：群众举报，经核实属实。",  # a sentence: punctuation
        # hotline and petition logs: the record goes on after its source (a review)
        "时间：2022年1月4日 来源：群众来信 反映某村干部违规占用集体土地问题",
        "时间：2022-01-04 09:30 来源：12345热线 诉求内容：某小区夜间施工噪音扰民 要求尽快处理",
    ]
    text, log = clean_text("\n".join([header, *body]))
    assert text == "\n".join(
        body[:3]
        + [
            "时间：2022年1月4日来源：群众举报，经核实属实。",
            "时间：2022年1月4日来源：群众来信反映某村干部违规占用集体土地问题",
            "时间：2022-01-04 09:30来源：12345热线诉求内容：某小区夜间施工噪音扰民要求尽快处理",
        ]
    )
    assert log["news_chrome"] == len(header)
