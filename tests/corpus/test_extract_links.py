"""Link density in HTML pages: menus, sidebars and link lists are site chrome whatever
their class, a page of links is a list page (rejected), and a title loses its site name.

The pages are modelled on the ones Chinese government sites publish (a ``div.top`` menu, a
``div.right-col`` sidebar of link lists, a ``TRS_Editor`` article body with inline links,
a 工作动态 list page); every one is written here.
"""

from __future__ import annotations

import pandas as pd
import pytest

import textkit as tk
from textkit.corpus.extract import EXTRACT_REJECT_KINDS, extract_text
from textkit.corpus.ingest import read_pages

TITLE = "汶川县2020年法治政府建设实施方案"
INFO = "发布时间：2020-12-05 来源：汶川县人民政府办公室"
P1 = "为深入贯彻落实上级决策部署，进一步推进法治政府建设，结合汶川县实际，制定本方案。"
#: a paragraph of body text with two inline links
P2_HTML = (
    '依据<a href="/zcwj/1.html">《中华人民共和国行政许可法》</a>和'
    '<a href="/zcwj/2.html">《四川省法治政府建设实施纲要》</a>，深化“放管服”改革，'
    "取消和下放行政审批事项22项。"
)
P2 = "依据《中华人民共和国行政许可法》和《四川省法治政府建设实施纲要》，深化“放管服”改革，取消和下放行政审批事项22项。"
#: a paragraph written as a div whose text is mostly three links: a sentence all the same
P3_HTML = (
    '<div>根据<a href="/a">《中华人民共和国村民委员会组织法》</a>、'
    '<a href="/b">《中国共产党农村基层组织工作条例》</a>和'
    '<a href="/c">《关于加强和完善城乡社区治理的意见》</a>，制定本方案。</div>'
)
P3 = (
    "根据《中华人民共和国村民委员会组织法》、《中国共产党农村基层组织工作条例》和"
    "《关于加强和完善城乡社区治理的意见》，制定本方案。"
)
P4 = "各乡镇、各部门要高度重视，切实加强组织领导，明确责任分工，确保各项工作落到实处。"

NAV = (
    '<div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | '
    '<a href="/bsfw/">办事服务</a> | <a href="/hdjl/">互动交流</a> | '
    '<a href="/zjxx/">走进汶川县</a></div>'
)
CRUMB = (
    '<div class="dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
    " &gt; 工作动态</div>"
)
SIDEBAR = (
    '<div class="right-col"><h3>相关链接</h3><ul><li><a href="#">中国政府网</a></li>'
    '<li><a href="#">省人民政府</a></li><li><a href="#">市人民政府</a></li></ul>'
    '<h3>热点新闻</h3><ul><li><a href="#">我县召开安全生产工作会议</a></li>'
    '<li><a href="#">县领导调研乡村振兴工作</a></li></ul></div>'
)
RELATED = (
    '<div class="xgwj">相关文件：<ul><li><a href="/1">汶川县2019年法治政府建设工作总结</a></li>'
    '<li><a href="/2">关于印发汶川县依法行政工作要点的通知</a></li>'
    '<li><a href="/3">汶川县重大行政决策程序规定</a></li></ul></div>'
)
FOOTER = (
    '<div class="bottom"><p>主办：汶川县人民政府办公室 承办：汶川县大数据发展中心</p>'
    "<p>网站标识码：5132210001 蜀ICP备05012345号</p></div>"
)


def _page(title: str, content: str, side: str = SIDEBAR) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{NAV}\n{CRUMB}\n"
        f'<div class="main"><div class="article">{content}</div>{side}</div>\n{FOOTER}'
        "</body></html>"
    )


ARTICLE = _page(
    f"{TITLE}_汶川县人民政府",
    f'<h1>{TITLE}</h1><div class="info">{INFO}</div>'
    f'<div class="TRS_Editor"><p>{P1}</p><p>{P2_HTML}</p>{P3_HTML}<p>{P4}</p></div>{RELATED}',
)

#: (title, date) of the items of a 工作动态 list page
ITEMS = [
    ("桐乡市2019年基层社会治理工作总结", "2019-11-02"),
    ("关于桐乡市市域社会治理现代化情况的调研报告", "2018-01-15"),
    ("桐乡市召开维护社会稳定工作推进会", "2015-01-03"),
    ("桐乡市2022年法治政府建设工作总结", "2022-03-20"),
    ("诸暨市推进法治政府建设的经验做法", "2017-07-12"),
    ("诸暨市2021年市域社会治理现代化实施方案", "2021-08-22"),
    ("安吉县2020年法治政府建设工作总结", "2020-01-13"),
    ("兰考县召开基层社会治理推进会", "2022-12-01"),
]
PAGER = '<div class="page">共5页 首页 上一页 1 2 3 4 5 下一页 尾页</div>'


def _list_page(item: str = '<li><a href="./t{i}.html">{t}</a><span>{d}</span></li>') -> str:
    items = "".join(item.format(i=i, t=t, d=d) for i, (t, d) in enumerate(ITEMS))
    return _page("工作动态_桐乡市人民政府", f'<div class="list"><ul>{items}</ul></div>{PAGER}', "")


def test_menus_sidebars_and_link_lists_are_chrome_whatever_their_class():
    res = extract_text(ARTICLE.encode(), "t20201205_4000085.html")
    assert res.ok
    # the menu, the sidebar and the 相关文件 list go; the paragraphs with inline links stay
    assert res.text.split("\n") == [TITLE, INFO, P1, P2, P3, P4]
    assert res.repairs == (
        "site chrome dropped: 5 element(s) (div.top (5 links), div.dqwz, div.xgwj (3 links), "
        "div.right-col (5 links), div.bottom)",
    )
    # the menu no longer scores a frame hit: 办事服务 is not in the text
    for chrome in (
        "办事服务",
        "互动交流",
        "相关链接",
        "热点新闻",
        "中国政府网",
        "相关文件",
        "要点",
    ):
        assert chrome not in res.text, chrome


def test_the_title_loses_the_site_name():
    assert extract_text(ARTICLE.encode(), "a.html").title == TITLE
    body = f"<p>{P1}</p>"
    for title, expected in [
        (f"{TITLE} - 某某市人民政府网", TITLE),
        (f"{TITLE}|浙江省人民政府门户网站", TITLE),
        (f"{TITLE}_政务公开_汶川县人民政府", f"{TITLE}_政务公开"),  # a column name stays
        (f"{TITLE} – 汶川县司法局", TITLE),
        ("解读：《关于加强基层治理的意见》-县委办", "解读：《关于加强基层治理的意见》"),
        # the Chinese dash introduces a subtitle, even one ending as a site name does
        ("扎根基层三十年——记县人民医院急诊中心", "扎根基层三十年——记县人民医院急诊中心"),
        ("基层治理的“枫桥经验”——专访省委政法委", "基层治理的“枫桥经验”——专访省委政法委"),
        ("乡村振兴看今朝—某某镇在线", "乡村振兴看今朝—某某镇在线"),
        (
            "让群众办事更便捷——走进县政务服务中心_某某县人民政府",
            "让群众办事更便捷——走进县政务服务中心",
        ),
        ("汶川县2021-2025年基层治理规划", "汶川县2021-2025年基层治理规划"),
        ("工作动态_汶川县人民政府", "工作动态"),
        ("_汶川县人民政府", "_汶川县人民政府"),  # nothing would be left: kept
    ]:
        page = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
        assert extract_text(page.encode(), "t.html").title == expected, title


def test_a_page_of_links_is_a_list_page_and_rejected(tmp_path):
    res = extract_text(_list_page().encode(), "工作动态_列表页.html")
    assert not res.ok and res.text == ""
    assert res.reject_kind == "list_page" and "list_page" in EXTRACT_REJECT_KINDS
    assert res.reason.startswith("list page, not a document: 8 links hold 9")
    assert res.title == "工作动态"
    # items with a source label besides the date: still a list of links
    labelled = _list_page('<li><a href="./t{i}.html">{t}</a> 来源：市政府办 <span>{d}</span></li>')
    assert extract_text(labelled.encode(), "b.html").reject_kind == "list_page"
    # a portal: boxes of links, none holding most of the page
    boxes = "".join(
        f'<div class="box"><h3>栏目{k}</h3><ul>'
        + "".join(f'<li><a href="/{k}/{i}">{t}</a></li>' for i, (t, _) in enumerate(ITEMS[:4]))
        + "</ul></div>"
        for k in "一二三"
    )
    portal = extract_text(_page("首页_桐乡市人民政府", boxes, "").encode(), "index.html")
    assert portal.reject_kind == "list_page"

    # a researcher's folder and the raw pages report it, with its reason
    folder = tmp_path / "raw" / "浙江"
    folder.mkdir(parents=True)
    (folder / "列表页.html").write_bytes(_list_page().encode())
    (folder / "article.html").write_bytes(ARTICLE.encode())
    read = tk.read_texts(folder)
    report = read.report.set_index("source")
    assert report.loc["列表页.html", "status"] == "rejected"
    assert report.loc["列表页.html", "reject_kind"] == "list_page"
    assert read.documents["text"].tolist() == ["\n".join([TITLE, INFO, P1, P2, P3, P4])]
    pages = read_pages(folder).set_index("source_file")
    assert pages.loc["列表页.html", "status"] == "rejected"
    assert pages.loc["列表页.html", "reject_kind"] == "list_page"
    assert pages.loc["列表页.html", "reason"].startswith("列表页.html: list page, not a document")
    assert pages.loc["article.html", "page_title"] == TITLE


@pytest.mark.parametrize("side", [SIDEBAR, ""])
def test_a_list_that_is_the_content_is_never_dropped_as_chrome(side):
    """A list of short linked items holding most of the page is its content, not chrome: a
    list of news items with their summaries is read whole (titles and summaries); a notice
    whose content is a list of linked files is a list page, reported as such, never read as
    its introduction alone."""
    summaries = [
        "桐乡市总结推广“三治融合”经验，全市村（社区）实现网格化管理全覆盖。",
        "调研报告提出完善矛盾纠纷多元化解机制，推进市域社会治理现代化。",
        "会议部署下一阶段维护社会稳定工作，要求压实属地责任。",
    ]
    items = "".join(
        f'<li><a href="/{i}">{t}</a><p>{s}</p></li>'
        for i, ((t, _), s) in enumerate(zip(ITEMS, summaries, strict=False))
    )
    res = extract_text(_page("要闻_桐乡市人民政府", f"<ul>{items}</ul>", side).encode(), "a.html")
    expected = [line for (t, _), s in zip(ITEMS, summaries, strict=False) for line in (t, s)]
    assert res.ok and res.text.split("\n") == expected

    files = "".join(f'<li><a href="/f{i}.pdf">{t}</a></li>' for i, (t, _) in enumerate(ITEMS))
    notice = _page("关于公布政策文件的通知", f"<p>现将有关文件公布如下：</p><ul>{files}</ul>", side)
    res = extract_text(notice.encode(), "notice.html")
    assert res.reject_kind == "list_page"
    # anchors (a name=…, as Word writes them for its table of contents) are not links
    anchored = "".join(f'<li><a name="_Toc{i}">{t}</a></li>' for i, (t, _) in enumerate(ITEMS))
    res = extract_text(_page("目录", f"<ul>{anchored}</ul>", side).encode(), "toc.html")
    assert res.ok and res.text.split("\n") == [t for t, _ in ITEMS]


#: A short notice: two sentences of running text.
NOTICE = (
    "<p>根据《汶川县村级组织换届选举工作方案》，经村民代表会议推选，现将某某村第十二届村民"
    "委员会候选人名单予以公示，公示期五天。</p><p>监督电话：0837-6221234。</p>"
)
RELATED_NEWS = (
    '<div class="box"><h3>相关新闻</h3><ul>'
    + "".join(f'<li><a href="/n{i}.html">汶川县召开第{i}次基层社会治理工作推进会</a></li>'
              for i in range(1, 9))
    + "</ul></div>"
)  # fmt: skip


def test_a_short_notice_with_a_box_of_related_news_is_read_without_the_box():
    """The 相关新闻 box holds most of the page's letters, but the notice has running text:
    the page is a document, the box its chrome."""
    page = _page("候选人名单公示_汶川县人民政府", f"<h1>候选人名单公示</h1>{NOTICE}", RELATED_NEWS)
    res = extract_text(page.encode(), "notice.html")
    assert res.ok, res.reason
    assert res.text.split("\n")[0] == "候选人名单公示"
    assert "公示期五天。" in res.text
    assert "相关新闻" not in res.text and "推进会" not in res.text
    assert "div.box (8 links)" in res.repairs[-1]


BYLINE_TOOLS = (
    '<div class="info">发布时间：2019-03-05 来源：<a href="/">汶川县人民政府办公室</a> '
    '【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】'
    '【<a href="javascript:print()">打印本页</a>】【<a href="#">关闭窗口</a>】</div>'
)


def test_a_byline_with_its_tools_is_no_list_of_links(tmp_path):
    """A byline whose source and tools (字体 大 中 小, 打印, 关闭) are links is kept, and it
    dates the page; a sidebar of items each with its own 来源： label is still chrome."""
    body = f"<h1>{TITLE}</h1>{BYLINE_TOOLS}<p>{P1}</p><p>{P4}</p>"
    labelled = (
        '<div class="right-col"><ul>'
        + "".join(f'<li><a href="/{i}">{t}</a> 来源：市政府办</li>' for i, (t, _) in
                  enumerate(ITEMS[:4]))
        + "</ul></div>"
    )  # fmt: skip
    page = _page(f"{TITLE}_汶川县人民政府", body, labelled)
    res = extract_text(page.encode(), "byline.html")
    assert res.ok and res.text.split("\n")[:2] == [
        TITLE,
        "发布时间：2019-03-05 来源：汶川县人民政府办公室 【字体：大 中 小】【打印本页】【关闭窗口】",
    ]
    assert "div.right-col (4 links)" in res.repairs[-1] and ITEMS[0][0] not in res.text
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "byline.html").write_bytes(page.encode())
    docs = tk.build_corpus(tk.read_texts(folder)).documents
    assert docs[["published", "published_from"]].values.tolist() == [
        [pd.Timestamp("2019-03-05"), "date line"]
    ]
