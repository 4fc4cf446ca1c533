"""The date a scraped page states it was published (textkit.corpus.published): the documents'
``published`` and ``published_from``, in both builds, counted in the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from textkit.core.errors import InvalidParameterError
from textkit.corpus.annotate import AnnotateConfig
from textkit.corpus.build import CorpusConfig, build_corpus, write_corpus
from textkit.corpus.dedup import DedupConfig
from textkit.corpus.ingest import read_pages
from textkit.corpus.published import meta_date, published_date
from textkit.corpus.read import document_variables, read_texts
from textkit.corpus.stream import build_corpus_to

BODY = (
    "为加强和创新基层社会治理，推进平安乡村建设，维护社会和谐稳定，结合我市实际，提出如下意见。",
    "一、坚持和发展新时代枫桥经验，健全党组织领导的自治、法治、德治相结合的城乡基层治理体系。",
    "二、完善网格化服务管理，把矛盾纠纷化解在基层，提升群众的获得感、幸福感、安全感。",
    "三、加强基层政权建设，推进村（居）民委员会规范化建设，健全村级议事协商制度。",
)

#: A page of a government website: the national standard's meta tags (PubDate a day before
#: the date line of the page), the 发布时间 line in a div, site chrome around the article.
GOV_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="SiteName" content="临江市人民政府">
<meta name="ArticleTitle" content="临江市关于加强基层社会治理的实施意见">
<meta name="PubDate" content="2019-03-05 10:22">
<meta name="ContentSource" content="临江市人民政府办公室">
<title>临江市关于加强基层社会治理的实施意见_临江市人民政府</title></head>
<body>
<div class="nav">首页 | 政务公开 | 政策文件</div>
<h1>临江市关于加强基层社会治理的实施意见</h1>
<div class="pages-date">发布时间：2019-03-06 09:00 来源：临江市人民政府办公室 【字体：大 中 小】</div>
<div class="article">{"".join(f"<p>{p}</p>" for p in BODY)}</div>
<div class="footer">版权所有：临江市人民政府 网站标识码：1234567890</div>
</body></html>
"""

#: A news page saved as text: a byline naming the paper and the date; the body quotes other
#: dates; an editor's line at the end.
NEWS_PAGE = "\n".join(
    [
        "临江新闻网",
        "",
        "县委召开基层社会治理工作推进会",
        "来源：临江日报 2019-03-05  记者 张三",
        "",
        "2019年3月1日，县委召开基层社会治理工作推进会，总结2018年工作，部署2019年任务。",
        *BODY[1:],
        "会议要求，2019年6月30日前完成村级议事协商制度的建设工作。",
        "责任编辑：李四",
    ]
)

#: A template page collecting two articles, its header dated (the day the page was posted);
#: the second article names the journal issue it was reprinted from.
TEMPLATE_PAGE = "\n".join(
    [
        "公文素材库 首页",
        "基层治理工作材料两篇",
        "时间:2019-05-22 11:24:58 网站:公文素材库",
        "第一篇:乡镇综合治理工作经验",
        *BODY[:2],
        "第二篇:创新社会治理体制",
        "来源：《中国民政》2016年第3期",
        *BODY[2:],
    ]
)

#: A notice whose first lines state dates in its body, none of them on a date line: a
#: sentence, a meeting's time (会议时间：), a numbered item (一、时间：).
NOTICE_PAGE = "\n".join(
    [
        "关于召开基层治理工作会议的通知",
        "2019年3月5日，县委决定召开全县基层社会治理工作会议，现将有关事项通知如下。",
        "会议时间：2019年3月12日上午9时",
        "一、时间：2019年3月12日",
        *BODY,
    ]
)


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "gov.html").write_text(GOV_PAGE, encoding="utf-8")
    (raw / "gov_no_meta.html").write_text(
        GOV_PAGE.replace('<meta name="PubDate" content="2019-03-05 10:22">', ""), encoding="utf-8"
    )
    (raw / "news.txt").write_text(NEWS_PAGE, encoding="utf-8")
    (raw / "template.txt").write_text(TEMPLATE_PAGE, encoding="utf-8")
    (raw / "notice.txt").write_text(NOTICE_PAGE, encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    return _raw(tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def build(raw):
    return build_corpus(raw)


def _dated(docs: pd.DataFrame) -> dict[str, tuple[str, str]]:
    return {
        d: ("" if pd.isna(when) else str(when), where)
        for d, when, where in zip(
            docs["doc_id"], docs["published"], docs["published_from"], strict=True
        )
    }


def test_every_article_gets_the_date_its_page_states(build):
    docs = build.documents
    assert str(docs["published"].dtype) == "datetime64[us]"
    assert _dated(docs) == {
        # the meta tag beats the date line; without it, the date line in its div
        "gov#01": ("2019-03-05 10:22:00", "meta"),
        "gov_no_meta#01": ("2019-03-06 09:00:00", "date line"),
        # the byline, not the dates the body quotes
        "news#01": ("2019-03-05 00:00:00", "date line"),
        # a header above two articles dates neither; the reprint its journal's year
        "template#01": ("", ""),
        "template#02": ("2016-01-01 00:00:00", "source issue"),
        "notice#01": ("", ""),
    }
    # the lines the dates came from are chrome, removed from the text
    text = docs.set_index("doc_id")["text"]
    assert "发布时间" not in text["gov_no_meta#01"] and "来源" not in text["news#01"]
    # year is the latest year the text states, not the date the page was published
    assert docs.set_index("doc_id").loc["news#01", "year"] == 2019
    assert pd.isna(docs.set_index("doc_id").loc["template#02", "year"])


def test_the_meta_date_of_an_html_page_is_in_the_pages_table(raw):
    pages = read_pages(raw).set_index("source_file")
    assert pages.loc["gov.html", "meta_date"] == "2019-03-05 10:22"
    assert pages.loc["gov_no_meta.html", "meta_date"] == ""
    assert pages.loc["news.txt", "meta_date"] == ""


def test_the_report_counts_the_dated_articles_by_source(build, tmp_path):
    published = build.report["published"]
    assert published["by_source"] == {"meta": 1, "date line": 2, "signature": 0, "source issue": 1}
    assert (published["dated"], published["undated"]) == (4, 2)
    assert published["identity"] == (
        "6 found = 4 dated (1 meta + 2 date line + 0 signature + 1 source issue) + 2 undated"
    )
    written = write_corpus(build, tmp_path / "out")
    md = (tmp_path / "out" / "corpus_report.md").read_text(encoding="utf-8")
    assert "Publication dates (`published`" in md and "4 dated (1 meta" in md
    assert json.loads(written[4].read_text(encoding="utf-8"))["published"] == published
    csv = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False)
    assert csv.set_index("doc_id")["published"].to_dict() == {
        "gov#01": "2019-03-05 10:22:00",
        "gov_no_meta#01": "2019-03-06 09:00:00",
        "news#01": "2019-03-05",
        "notice#01": "",
        "template#01": "",
        "template#02": "2016-01-01",
    }


@pytest.mark.parametrize("batch_pages", [1, 2, 100])
def test_the_streamed_build_gives_the_same_dates(build, raw, tmp_path, batch_pages):
    mem = write_corpus(build, tmp_path / "mem")
    streamed = build_corpus_to(raw, tmp_path / "stream", batch_pages=batch_pages)
    for a, b in zip(mem, streamed, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    loaded = pd.read_parquet(tmp_path / "stream" / "documents.parquet")
    pd.testing.assert_frame_equal(loaded[["doc_id", "published", "published_from"]],
                                  build.documents[["doc_id", "published", "published_from"]])  # fmt: skip


def test_the_seed_corpus_dates_only_the_reprint_of_a_journal_article(seed_docs, seed_build):
    dated = seed_docs[seed_docs["published_from"] != ""]
    assert dated["doc_id"].tolist() == ["001_aabf14e4f143a46b#04"]
    # 來源:《西部大開發》2014年第05期: the year of the issue; the text states 2012 last
    assert dated["published"].tolist() == [pd.Timestamp("2014-01-01")]
    assert dated["published_from"].tolist() == ["source issue"]
    assert dated["year"].tolist() == [2012]
    # the pages posted on 2019-05-22 and 2023-09-11 (时间: in their headers) hold several
    # articles each: none of them is dated by it
    assert seed_docs["published"].isna().sum() == 35
    assert seed_build.report["published"]["dated_kept"] == 1


def test_a_labelled_date_is_found_among_the_other_fields_of_its_line():
    lines = {
        "发布时间：2023-05-12 浏览次数：312": "2023-05-12 00:00:00",
        "来源：临江日报  发布日期：2019年3月5日": "2019-03-05 00:00:00",
        "作者：王五 | 发布时间:2019/03/05 10:22 | 点击：1,024": "2019-03-05 10:22:00",
        "發佈時間：2019年3月5日 星期二": "2019-03-05 00:00:00",
        "【发布日期：２０１９－０３－０５】": "2019-03-05 00:00:00",
        "2019-03-05 10:22 来源：国务院办公厅": "2019-03-05 10:22:00",
        "来源：人民日报（2019年03月05日 01 版）": "2019-03-05 00:00:00",
    }
    for line, expected in lines.items():
        when, where = published_date(line + "\n" + BODY[0])
        assert (str(when), where) == (expected, "date line"), line


def test_a_date_the_body_states_is_not_a_publication_date():
    not_dates = [
        "2019年3月5日，县委召开会议。",
        "会议时间：2019年3月12日上午9时",
        "一、时间：2019年3月12日",
        "报名截止日期：2019年3月12日",
        "来源：2019年工作报告",  # a source, no full date
        "据统计，发布时间：2019-03-05的文件共有12件。",  # a sentence
    ]
    for line in not_dates:
        assert published_date(line + "\n" + BODY[0]) == (pd.NaT, ""), line
    # a date line in the middle of a long article is not where a page states its date
    middle = "\n".join([*BODY, *BODY[:2], "发布时间：2019-03-05", *BODY, *BODY])
    assert published_date(middle) == (pd.NaT, "")
    assert published_date(middle.replace(BODY[0], "发布时间：2018-01-02", 1))[1] == "date line"


def test_the_first_date_label_wins_and_the_start_comes_before_the_end():
    text = "\n".join(
        ["更新时间：2020-01-02", "发布时间：2019-03-05", *BODY, "发布时间：2021-05-06"]
    )
    assert published_date(text) == (pd.Timestamp("2019-03-05"), "date line")
    # at the end only: an editor's note with its date
    end = "\n".join([*BODY, *BODY, "（发布日期：2021-05-06）"])
    assert published_date(end) == (pd.Timestamp("2021-05-06"), "date line")
    # a date line beats a journal issue, wherever it is
    issue = "\n".join(["来源：《求是》2019年第5期", *BODY, *BODY, "发布时间：2021-05-06"])
    assert published_date(issue) == (pd.Timestamp("2021-05-06"), "date line")
    assert published_date("《求是》2019年第5期\n" + BODY[0]) == (pd.Timestamp("2019-01-01"),
                                                                 "source issue")  # fmt: skip
    # a reference list cites journal issues: none is the article's source
    refs = "\n".join([*BODY, "参考文献：", "[1] 张三.论基层治理[J].《求是》2019年第5期"])
    assert published_date(refs) == (pd.NaT, "")


def test_the_page_header_and_meta_date_only_the_article_of_a_page_of_one():
    header = "临江新闻网 首页\n时间:2019-05-22 11:24:58 网站:临江新闻网"
    assert published_date(BODY[0], header=header) == (
        pd.Timestamp("2019-05-22 11:24:58"),
        "date line",
    )
    assert published_date(BODY[0], header=header, meta="2019-05-21") == (
        pd.Timestamp("2019-05-21"),
        "meta",
    )
    # a meta tag that is no date is passed over
    assert published_date(BODY[0], meta="不详") == (pd.NaT, "")


def test_meta_date_reads_the_tags_of_common_cms_in_order_of_trust():
    head = (
        '<html><head><meta property="article:modified_time" content="2020-01-01T08:00:00+08:00">'
        '<meta property="article:published_time" content="2019-03-05T10:22:00+08:00">'
        '<meta name="publishdate" content="2019-03-04">'
        '<meta name="PubDate" content="待定"></head><body><p>2018-01-01</p></body></html>'
    )
    assert meta_date(head) == "2019-03-04"  # PubDate is no date: publishdate is next
    assert meta_date(head.replace('<meta name="publishdate" content="2019-03-04">', "")) == (
        "2019-03-05T10:22:00+08:00"
    )
    assert meta_date("<html><head><title>无日期</title></head><body></body></html>") == ""


def test_a_researchers_own_published_column_stays_as_it_is(raw, tmp_path):
    table = pd.DataFrame({"正文": ["\n".join(BODY)] * 2, "published": ["2019年3月5日", "不详"]})
    table.to_csv(tmp_path / "t.csv", index=False)
    docs = build_corpus(read_texts(tmp_path / "t.csv", text="正文", meta=["published"])).documents
    assert docs["published"].tolist() == ["2019年3月5日", "不详"]
    assert "published_from" not in docs.columns
    # a folder whose own variables include published (a docvars_from field here; a sidecar
    # column alike) keeps them: the dates its files state are not added
    own = tmp_path / "own"
    for day, page in (("2018-01-02", NEWS_PAGE), ("不详", GOV_PAGE)):
        (own / day).mkdir(parents=True)
        (own / day / ("a.txt" if page == NEWS_PAGE else "b.html")).write_text(page, "utf-8")
    texts = read_texts(own, docvars_from="{published}/{name}")
    built = build_corpus(texts)
    assert built.documents["published"].tolist() == ["2018-01-02", "不详"]
    assert "published_from" not in built.documents.columns and "published" not in built.report
    assert "published" in texts.docvars
    # a folder without one, and raw pages, get the dates their files state
    assert "published_from" in build_corpus(read_texts(raw)).documents.columns
    assert "published_from" in build_corpus(raw).documents.columns


def _folder(tmp_path: Path, make_docx) -> Path:
    """A researcher's folder of downloaded pages: HTML files (PubDate meta tag; 发布时间 line),
    a text copy with a byline, a Word copy with a date line, a file of two articles."""
    folder = tmp_path / "folder"
    (folder / "html").mkdir(parents=True)
    (folder / "html" / "gov.html").write_text(GOV_PAGE, encoding="utf-8")
    (folder / "html" / "gov_no_meta.html").write_text(
        GOV_PAGE.replace('<meta name="PubDate" content="2019-03-05 10:22">', ""), encoding="utf-8"
    )
    (folder / "news.txt").write_text(NEWS_PAGE, encoding="utf-8")
    (folder / "template.txt").write_text(TEMPLATE_PAGE, encoding="utf-8")
    (folder / "notice.txt").write_text(NOTICE_PAGE, encoding="utf-8")
    word = ["临江县民政局工作动态", "发布日期：2020年7月1日  来源：县民政局", *BODY[1:]]
    (folder / "word.docx").write_bytes(make_docx(word, title="临江县民政局工作动态"))
    return folder


def test_a_folder_of_files_gets_the_dates_they_state(tmp_path, make_docx):
    texts = read_texts(_folder(tmp_path, make_docx))
    assert texts.meta_dates == {"html/gov": "2019-03-05 10:22"}
    built = build_corpus(texts)
    docs = built.documents
    assert str(docs["published"].dtype) == "datetime64[us]"
    assert _dated(docs) == {
        # an HTML file's meta tag, else the date line its text keeps
        "html/gov#01": ("2019-03-05 10:22:00", "meta"),
        "html/gov_no_meta#01": ("2019-03-06 09:00:00", "date line"),
        # a text copy's byline, not the dates its body quotes; a Word copy's date line
        "news#01": ("2019-03-05 00:00:00", "date line"),
        "word#01": ("2020-07-01 00:00:00", "date line"),
        # a file of two articles: its header dates neither; the reprint its journal's year
        "template#01": ("", ""),
        "template#02": ("2016-01-01 00:00:00", "source issue"),
        "notice#01": ("", ""),
    }
    # the date lines are chrome, removed from the text; published is textkit's column, not
    # one of the researcher's variables (this folder has none)
    text = docs.set_index("doc_id")["text"]
    assert "发布日期" not in text["word#01"] and "来源" not in text["news#01"]
    assert document_variables(docs) == []
    assert built.report["published"]["by_source"] == {
        "meta": 1,
        "date line": 3,
        "signature": 0,
        "source issue": 1,
    }
    written = write_corpus(built, tmp_path / "out")
    md = written[5].read_text(encoding="utf-8")
    assert (
        "7 found = 5 dated (1 meta + 3 date line + 0 signature + 1 source issue) + 2 undated" in md
    )
    # of two copies, keep_earliest_by = "published" keeps the one published first
    config = CorpusConfig(dedup=DedupConfig(keep_earliest_by="published"))
    docs = build_corpus(texts, config).documents.set_index("doc_id")
    assert docs.loc["html/gov_no_meta#01", "dup_of"] == "html/gov#01"


def test_a_date_outside_the_plausible_years_is_passed_over():
    text = "\n".join(["发布时间：2019-03-05", *BODY])
    # a CMS's default in the meta tag: the date line is next in the order of trust
    assert published_date(text, meta="1970-01-01 08:00") == (pd.Timestamp("2019-03-05"),
                                                             "date line")  # fmt: skip
    # no other date: left undated, and said so
    assert published_date(BODY[0], meta="1900-01-01") == (pd.NaT, "implausible")
    assert published_date("\n".join(["发布时间：2099-12-31", *BODY])) == (pd.NaT, "implausible")
    assert published_date("来源：《求是》1900年第1期\n" + BODY[0]) == (pd.NaT, "implausible")
    # the years are the caller's (the builds pass AnnotateConfig.min_year and max_year)
    assert published_date(BODY[0], meta="1970-01-01", years=(1949, 2100)) == (
        pd.Timestamp("1970-01-01"),
        "meta",
    )
    with pytest.raises(InvalidParameterError, match="years"):
        published_date(BODY[0], years=(2030, 1978))


def test_an_implausible_date_is_left_out_and_counted_in_both_builds(raw, tmp_path):
    pages = tmp_path / "raw"
    shutil.copytree(raw, pages)
    cms = GOV_PAGE.replace("2019-03-05 10:22", "1970-01-01 08:00:00")
    (pages / "cms.html").write_text(cms.replace("发布时间：2019-03-06 09:00 ", ""), "utf-8")
    built = build_corpus(pages)
    assert _dated(built.documents)["cms#01"] == ("", "implausible")
    published = built.report["published"]
    assert (published["dated"], published["undated"], published["implausible"]) == (4, 3, 1)
    assert published["identity"] == (
        "7 found = 4 dated (1 meta + 2 date line + 0 signature + 1 source issue) + 3 undated "
        "(1 of them dated only outside the plausible years)"
    )
    mem = write_corpus(built, tmp_path / "mem")
    streamed = build_corpus_to(pages, tmp_path / "stream", batch_pages=2)
    for a, b in zip(mem, streamed, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    # the annotate stage's plausible years are the build's
    config = CorpusConfig(annotate=AnnotateConfig(max_year=2018))
    late = _dated(build_corpus(pages, config).documents)
    assert late["gov#01"] == late["news#01"] == ("", "implausible")
    assert late["template#02"] == ("2016-01-01 00:00:00", "source issue")


def test_a_reprint_counts_at_the_date_its_first_page_states(tmp_path):
    """[dedup] keep_earliest_by = "published": of two copies, the one published first is kept."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, day in (("a_reprint", "2021-06-01"), ("b_first", "2019-03-05")):
        page = "\n".join(["临江新闻网", f"发布时间：{day} 浏览次数：312", *BODY])
        (raw / f"{name}.txt").write_text(page, encoding="utf-8")
    config = CorpusConfig(dedup=DedupConfig(keep_earliest_by="published"))
    docs = build_corpus(raw, config).documents.set_index("doc_id")
    assert docs.loc["a_reprint#01", "dup_of"] == "b_first#01"
    assert docs.loc["b_first#01", "status"] == "kept"
    mem = write_corpus(build_corpus(raw, config), tmp_path / "mem")
    streamed = build_corpus_to(raw, tmp_path / "stream", config, batch_pages=1)
    for a, b in zip(mem, streamed, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_meeting_time_in_a_notice_is_no_publication_date():
    """时间： alone on its line is a notice's field (the time of a meeting); on a byline with
    another field, or in the page header above the article, it dates the page. The explicit
    labels count alone on their line."""
    notice = "\n".join(
        [
            "关于召开全县基层社会治理工作推进会的通知",
            "各乡镇人民政府，县直各部门：",
            BODY[0],
            "时间：2019年4月20日（星期六）上午9:00",
            "地点：县政府三楼会议室",
            "日期：2019年4月20日",
            *BODY[1:],
        ]
    )
    assert published_date(notice) == (pd.NaT, "")
    for line in ("时间：2019-04-12 来源：县政府办", "日期：2019-04-12 【字体：大 中 小】",
                 "发布日期：2019-04-12", "成文日期：2019年4月12日"):  # fmt: skip
        dated = notice.replace("各乡镇人民政府，县直各部门：", line)
        assert published_date(dated) == (pd.Timestamp("2019-04-12"), "date line"), line
    assert published_date(notice, header="首页 > 通知公告\n时间：2019-04-12") == (
        pd.Timestamp("2019-04-12"),
        "date line",
    )


def test_an_update_time_is_no_publication_date():
    header = "当前位置：首页 > 政务公开\n发布时间：2019-04-12 浏览次数：312\n更新时间：2021-06-01"
    assert published_date(BODY[0], header=header) == (pd.Timestamp("2019-04-12"), "date line")
    assert published_date(BODY[0], header=header.replace("发布时间", "浏览")) == (pd.NaT, "")
    assert published_date("更新日期：2021-06-01 来源：县政府办\n" + BODY[0]) == (pd.NaT, "")


#: An official notice as a folder keeps it: the organ that issued it and the date it is signed
#: with (落款) on the last lines, in Chinese numerals.
SIGNED = "\n".join(
    [
        "各乡镇人民政府，县直各部门：",
        *BODY,
        "请认真贯彻执行。",
        "",
        "临江县人民政府办公室",
        "二〇二〇年三月十五日",
    ]
)


def test_the_date_an_official_document_is_signed_with_dates_it():
    assert published_date(SIGNED) == (pd.Timestamp("2020-03-15"), "signature")
    signatures = {
        "2019年12月20日": "2019-12-20",  # GB/T 9704-2012: Arabic numerals
        "２０１９年１２月２０日": "2019-12-20",
        "二○○八年十二月八日": "2008-12-08",  # the circle for zero
        "二零零八年十二月三十一日": "2008-12-31",
        "（2019年12月20日）": "2019-12-20",
        "2020 年 3 月 15 日": "2020-03-15",
        "2020年3月15日印发": "2020-03-15",  # the 版记 line
        "2020年3月15日发布": "2020-03-15",
        "二〇二〇年三月十五日印發": "2020-03-15",  # traditional characters
    }
    for line, day in signatures.items():
        text = SIGNED.replace("二〇二〇年三月十五日", line)
        assert published_date(text) == (pd.Timestamp(day), "signature"), line
        # without the organ's name above it; with a note below it
        assert published_date("\n".join([*BODY, line])) == (pd.Timestamp(day), "signature")
        assert published_date(text + "\n（此件公开发布）")[1] == "signature", line
    # the 版记 line: the organ's name and the date on one line, apart by spaces
    for line in ("临江县人民政府办公室　　2020年3月15日印发", "临江县人民政府办公室 2020年3月15日"):
        assert published_date("\n".join([*BODY, line])) == (pd.Timestamp("2020-03-15"), "signature")
    for line in ("全县召开会议 2020年3月15日", "临江县人民政府办公室2020年3月15日印发"):
        assert published_date("\n".join([*BODY, line])) == (pd.NaT, ""), line
    # of a signature and a 版记 below it, the signature
    issued = SIGNED + "\n2020年3月18日印发"
    assert published_date(issued) == (pd.Timestamp("2020-03-15"), "signature")


def test_a_date_that_is_no_signature_is_not_read():
    # the date alone on the last line is a signature; the same date going on is not
    assert published_date("\n".join([*BODY, "2020年3月15日"]))[1] == "signature"
    not_signatures = [
        "2020年3月15日，县委召开全县基层治理工作会议。",  # the line goes on into a sentence
        "2020年3月15日 县委召开会议",
        "2020年3月15日在全县基层治理工作会议上的讲话",
        "二〇二〇年三月",  # no day
        "2020-03-15",  # not as a document is signed
        "二〇二〇年二月三十日",  # not in the calendar
    ]
    for line in not_signatures:
        assert published_date("\n".join([*BODY, line])) == (pd.NaT, ""), line
    # a date alone on the first line is an event's or a heading's, not a signature
    assert published_date("二〇二〇年三月十五日\n" + BODY[0]) == (pd.NaT, "")
    assert published_date("\n".join(["2020年3月15日", *BODY])) == (pd.NaT, "")
    # nor is a date alone in the middle of a long article
    middle = "\n".join([*BODY, "2020年3月15日", *BODY])
    assert published_date(middle) == (pd.NaT, "")


def test_a_notice_is_dated_by_its_signature_above_the_plan_it_issues():
    """关于印发…的通知: the notice is signed, then the plan it issues follows in full."""
    plan = ["临江县社区治理工作方案", "一、总体要求", *BODY, "二、保障措施", "加强组织领导。"]
    for organ in ("临江县人民政府办公室", "中共临江县委员会", "临江县民政局", "城关镇人民政府"):
        notice = [
            "关于印发《临江县社区治理工作方案》的通知",
            "各乡镇人民政府，县直各部门：",
            "现将方案印发给你们，请认真贯彻执行。",
            organ,
            "二〇二〇年三月十五日",
            *plan,
        ]
        assert published_date("\n".join(notice)) == (pd.Timestamp("2020-03-15"), "signature")
    # the 成文日期 comes before the 版记's 印发 date at the end
    both = "\n".join(
        [*notice, "抄送：县委办，县人大办。", "临江县人民政府办公室", "2020年3月20日印发"]
    )
    assert published_date(both) == (pd.Timestamp("2020-03-15"), "signature")
    printed = "\n".join([*notice[:3], *plan, "临江县人民政府办公室　2020年3月20日印发"])
    assert published_date(printed) == (pd.Timestamp("2020-03-20"), "signature")
    # a date alone further up under anything but an organ's name is no signature
    for above in ("县委召开全县基层治理工作会议。", "一、总体要求", "大事记"):
        timeline = "\n".join([*BODY, above, "2020年3月15日", *plan])
        assert published_date(timeline) == (pd.NaT, ""), above


def test_dates_alone_in_lists_tables_and_timelines_are_no_signature():
    """Found by a review: a date alone is a signature only when nothing shows a list."""
    undated = {
        "timeline": ["全县大事记", "2019年3月5日", "召开县委常委会", "2019年6月5日", "县政府召开常务会议"],
        "deadlines": ["关于印发某县工作方案的通知", "现将方案印发给你们。", "任务分工表", "序号",
                      "完成时限", "1", "制定方案", "2020年3月31日", "2", "组织实施", "2020年6月30日"],
        "schedule": ["各镇检查时间", "城关镇", "2019年5月1日", "河西乡", "2019年5月8日",
                     "请各地做好准备。", "特此通知。"],
        "related news": [*BODY, "相关新闻", "我县召开安全生产会议", "2019年3月5日",
                         "我县开展扶贫工作", "2019年3月1日"],
    }  # fmt: skip
    for name, lines in undated.items():
        assert published_date("\n".join(lines)) == (pd.NaT, ""), name
    # found by a second review: rows of one date are a schedule too, on separate lines or
    # on one line each (a PDF's table)
    same_day = ["春耕工作方案", "任务分工如下。", "县农业农村局", "2020年6月30日", "县水利局",
                "2020年6月30日", "请各单位按时完成。"]  # fmt: skip
    assert published_date("\n".join(same_day)) == (pd.NaT, "")
    rows = ["春耕工作方案", "任务分工如下。", *["县农业农村局 2020年6月30日"] * 3, "请按时完成。"]
    assert published_date("\n".join(rows)) == (pd.NaT, "")
    # while a notice and the plan it issues, both signed on one day, keep their date
    plan = ["某县工作方案", *BODY, "某县人民政府办公室", "2020年3月15日"]
    twice = ["关于印发某县工作方案的通知", "现将方案印发给你们。", "某县人民政府办公室", "2020年3月15日",
             *plan]  # fmt: skip
    assert published_date("\n".join(twice)) == (pd.Timestamp("2020-03-15"), "signature")
    # a signature, then an attached table of deadlines: the signature
    attached = ["关于印发某某方案的通知", *BODY, "某县人民政府办公室", "2020年3月15日", "附件",
                "任务分工", "1", "摸底排查", "2020年4月30日", "2", "总结验收", "2020年12月31日"]  # fmt: skip
    assert published_date("\n".join(attached)) == (pd.Timestamp("2020-03-15"), "signature")


def test_signature_forms_of_word_and_scanned_text_and_speech_datelines():
    for organ, day in (("某县人民政府（印）", "二〇二〇年三月十五日"), ("某县人民政府办公室", "二0二0年三月十五日"),
                       ("某县人民政府办公室", "二O二O年三月十五日")):  # fmt: skip
        text = "\n".join(["某某通知", *BODY, organ, day])
        assert published_date(text) == (pd.Timestamp("2020-03-15"), "signature"), day
    speech = ["在全县经济工作会议上的讲话", "（2019年12月20日）", "县长 张三", "同志们：", *BODY]
    assert published_date("\n".join(speech)) == (pd.Timestamp("2019-12-20"), "signature")
    report = ["政府工作报告", "——2019年1月10日在临江县第十七届人民代表大会第四次会议上", "县长 张三",
              *BODY]  # fmt: skip
    assert published_date("\n".join(report)) == (pd.Timestamp("2019-01-10"), "signature")
    # a date line deep in the body is no dateline
    assert published_date("\n".join([*BODY, "（2019年12月20日）", *BODY])) == (pd.NaT, "")


def test_a_date_line_comes_before_a_signature_and_a_signature_before_a_source_issue():
    labelled = "\n".join(["发布时间：2020-03-20 浏览次数：312", SIGNED])
    assert published_date(labelled) == (pd.Timestamp("2020-03-20"), "date line")
    assert published_date(SIGNED + "\n成文日期：2020年3月14日") == (
        pd.Timestamp("2020-03-14"),
        "date line",
    )
    reprint = "\n".join(["来源：《中国民政》2021年第3期", SIGNED])
    assert published_date(reprint) == (pd.Timestamp("2020-03-15"), "signature")
    assert published_date(SIGNED, meta="2020-03-16") == (pd.Timestamp("2020-03-16"), "meta")


def test_a_signature_outside_the_plausible_years_is_passed_over():
    old = SIGNED.replace("二〇二〇年三月十五日", "1900年1月1日")
    assert published_date(old) == (pd.NaT, "implausible")
    reprint = "\n".join(["来源：《中国民政》2016年第3期", old])
    assert published_date(reprint) == (pd.Timestamp("2016-01-01"), "source issue")
    assert published_date(SIGNED, years=(1978, 2019)) == (pd.NaT, "implausible")
    # an implausible 成文日期 (a typing error) leaves the 版记's 印发 date to be read
    typo = ["通知", "请认真贯彻执行。", "某县人民政府办公室", "2202年3月15日", "抄送：县委办。",
            "某县人民政府办公室 2020年3月17日印发"]  # fmt: skip
    assert published_date("\n".join(typo)) == (pd.Timestamp("2020-03-17"), "signature")
    # while an implausible date still counts in a timeline or a list (a third review)
    timeline = ["某县大事记", *BODY, "1976年10月6日", "全县传达粉碎四人帮的消息。", "2019年10月1日",
                "全县隆重庆祝国庆七十周年。"]  # fmt: skip
    assert published_date("\n".join(timeline)) == (pd.NaT, "")
    listed = [
        "各镇检查时间",
        "城关镇",
        "1966年5月1日",
        "河西乡",
        "2019年5月8日",
        "请各地做好准备。",
    ]
    assert published_date("\n".join(listed))[0] is pd.NaT


def test_each_article_of_a_page_is_dated_by_its_own_signature(tmp_path):
    page = "\n".join(
        [
            "公文素材库 首页",
            "基层治理工作材料两篇",
            "第一篇:乡镇综合治理工作经验",
            *BODY[:2],
            "临江镇人民政府",
            "2019年12月20日",
            "第二篇:社区治理工作总结",
            *BODY[2:],
            "临江县民政局",
            "二〇二〇年一月八日",
        ]
    )
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "two.txt").write_text(page, encoding="utf-8")
    (raw / "one.txt").write_text("社区治理工作方案\n" + SIGNED, encoding="utf-8")
    docs = build_corpus(raw).documents
    assert _dated(docs) == {
        "one#01": ("2020-03-15 00:00:00", "signature"),
        "two#01": ("2019-12-20 00:00:00", "signature"),
        "two#02": ("2020-01-08 00:00:00", "signature"),
    }


def test_the_word_and_text_files_of_a_folder_are_dated_by_their_signatures(tmp_path, make_docx):
    folder = tmp_path / "folder"
    folder.mkdir()
    lines = ["关于印发《临江县社区治理工作方案》的通知", *SIGNED.split("\n")]
    (folder / "notice.docx").write_bytes(make_docx([x for x in lines if x]))
    summary = ["临江县民政局2019年工作总结", *BODY, "临江县民政局", "2019年12月20日"]
    (folder / "summary.txt").write_text("\n".join(summary), encoding="utf-8")
    built = build_corpus(read_texts(folder))
    assert _dated(built.documents) == {
        "notice#01": ("2020-03-15 00:00:00", "signature"),
        "summary#01": ("2019-12-20 00:00:00", "signature"),
    }
    published = built.report["published"]
    assert published["by_source"] == {"meta": 0, "date line": 0, "signature": 2,
                                      "source issue": 0}  # fmt: skip
    assert published["identity"] == (
        "2 found = 2 dated (0 meta + 0 date line + 2 signature + 0 source issue) + 0 undated"
    )
