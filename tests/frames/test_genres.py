"""Sentences of other genres than the seed pages (national work reports, Hong Kong press in
traditional characters, microblog posts) are read in their frame sense, not by their words."""

from __future__ import annotations

import pytest

from textkit.frames.score import FrameConfig, score_frames

CFG = FrameConfig(n_boot=0)

# (sentence, expected stability count, expected service_law count)
CASES = [
    # work reports: economic risk, epidemics, environment and land use are not public order
    ("坚决防范化解重大风险，守住不发生系统性风险的底线。", 0.0, 0.0),
    ("统筹推进疫情防控和经济社会发展。", 0.0, 0.0),
    ("抓好新冠肺炎常态化防控，做好非洲猪瘟防控。", 0.0, 0.0),
    ("健全社会治安防控体系。", 1.0, 0.0),  # 治安防控体系: public order, still counted
    ("扎实推进农村人居环境整治，严格国土空间用途管控。", 0.0, 0.0),
    ("加快处置不良资产，稳妥化解地方政府债务风险。", 0.0, 0.0),
    ("深化放管服改革，推进政务服务一网通办。", 0.0, 3.0),
    ("依法严厉打击违法犯罪。", 2.5, 0.0),
    ("坚持依法行政、建设法治政府。", 0.0, 2.0),
    # work reports since 1954: state formulas, revolution names, ethnic autonomy, trials
    ("巩固人民民主专政，完成新民主主义革命遗留的民主改革任务。", 0.0, 0.0),
    ("坚持和完善民族区域自治制度，加强同各民主党派的合作。", 0.0, 0.0),
    ("召开公开宣判大会，严厉打击刑事犯罪。", 2.0, 0.0),  # 严厉打击 + 犯罪; 公开 not openness
    ("做好地质灾害防控和血吸虫病防控。", 0.0, 0.0),
    ("加强水土流失综合治理和大气污染综合治理。", 0.0, 0.0),
    ("做好洪涝和地质灾害防范，防范台风。", 0.0, 0.0),
    ("加强校园环境的综合治理，防范违法犯罪。", 3.0, 0.0),  # public order: counted
    ("健全基层群众自治制度，推进村务公开。", 0.0, 2.0),
    # accountability of officials is not crime control
    ("严肃查处职务犯罪，推进反腐败斗争。", 0.0, 2.0),
    # press in traditional characters: party camps are actors; arrests are rule by law
    ("泛民主派議員與民主黨召開記者會。", 0.0, 0.0),
    ("警方依法拘捕多名示威者。", 0.5, 0.0),
    ("法院依法保障市民的合法權益。", 0.0, 1.5),
    ("警方堅決止暴制亂，恢復社會秩序。", 1.0, 0.0),
    ("依法懲治危害國家安全的犯罪。", 2.0, 0.0),  # 依法 懲治 0.5 + 国家安全 0.5 + 犯罪 1
    ("镇压反革命运动取得胜利。", 1.5, 0.0),  # 镇压 (the act) + 反革命 0.5 (the target)
    # regulation of things, not of people: safety production, epidemics, disasters,
    # pollution and finance (topic rules, clause by clause)
    ("开展安全生产隐患排查整治，严厉打击违法犯罪。", 2.0, 0.0),  # the second clause counts
    ("对重点人群开展核酸检测排查，封控区人员足不出户。", 0.0, 0.0),
    ("做好防汛抗旱突发事件应急处置工作。", 0.0, 0.0),
    ("加强秸秆禁烧管控，开展散乱污企业专项整治。", 0.0, 0.0),
    ("防控系统性金融风险，密切监控经济运行。", 0.0, 0.0),
    # other senses and names
    ("组织、策划、实施或参与分裂国家的活动。", 0.0, 0.0),  # taking part in a crime
    ("加强对下级法院审判工作的监督指导。", 0.0, 0.0),  # guidance of lower offices
    ("加强对权力运行的监督。", 0.0, 0.5),  # oversight of power: counted
    ("严格村党组织书记的监督管理。", 0.0, 0.5),  # oversight of officials: counted
    ("市场监督管理部门加强食品抽检。", 0.0, 0.0),  # market regulation
    ("指导金融机构加强安全防范工作。", 1.0, 0.0),  # guarding banks: public security
    ("切实抓好校园及周边环境的整治工作。", 0.5, 0.0),  # the campaign around schools
    # coverage for court, procuratorate and security reports and the Hong Kong press
    ("检察机关批准逮捕犯罪嫌疑人。", 2.0, 0.0),  # 逮捕 + 犯罪
    ("保持严打高压态势，形成强大震慑。", 2.5, 0.0),  # 严打 + 高压态势 + 震慑 0.5
    ("維護國家政治安全和意識形態安全。", 2.0, 0.0),
    ("警方根據國安法拘捕多人。", 0.5, 0.0),  # 国安 0.5; 拘捕 alone is not a term
    ("被提升到治国安邦的层面。", 0.0, 0.0),  # an idiom, not national security
    ("维护社会安定有序。", 1.0, 0.0),
    ("坚持司法为民，让人民群众感受到公平正义。", 0.0, 1.5),
    ("市民享有言论自由。", 0.0, 1.0),
    # the political-legal mission formula: 安全稳定 and 法治 count, 公平正义 in it does not
    ("创造安全稳定的社会环境、公平正义的法治环境、优质高效的服务环境。", 1.0, 1.0),
    # found on a second reading of other genres: scholars' critique of 维稳, officials'
    # crimes, enforcement against traders, epidemic zones, pollution alerts, police accounts
    ("地方政府陷入越维稳越不稳的维稳怪圈。", 0.0, 0.0),
    ("做好维稳工作。", 1.0, 0.0),
    ("依法打击贪污、贿赂、挪用公款等职务犯罪。", 0.0, 1.0),  # 职务犯罪: accountability
    ("承担着打击刑事犯罪、查办和预防职务犯罪等任务。", 2.0, 1.0),  # crime control kept
    ("严厉打击销售三无食品、过期食品的行为。", 0.0, 0.0),
    ("严厉打击制售假冒伪劣商品违法犯罪活动。", 2.0, 0.0),  # a crime: counted
    ("防范区实行非必要不出区。", 0.0, 0.0),
    ("立即启动重污染天气预警。", 0.0, 0.0),
    ("“平安广州”公众号通报典型案例。", 0.0, 0.0),
    ("对屡教不改的扬尘企业依法依规严肃处理。", 0.0, 0.0),
    # a third reading: prosecutions of counterfeiting stay crime control, market campaigns
    # and fundraising victims do not; autonomous counties; deprivation of rights
    ("依法惩治制售假冒伪劣农资犯罪。", 1.5, 0.0),
    ("开展整治保健市场乱象专项行动。", 0.0, 0.0),
    ("因参与非法集资被骗。", 0.0, 0.0),
    ("西盟佤族自治县发生地震。", 0.0, 0.0),
    ("判处有期徒刑，剥夺政治权利三年。", 0.0, 0.0),
    ("加强防汛危险区域管控。", 0.0, 0.0),
    # participation in public-order work stays participation (the coders read it so)
    ("积极参与社会治安综合治理。", 1.0, 0.5),
    ("乱收费严重打击了农民种粮的积极性。", 0.0, 0.0),  # a blow to, not a crackdown
    ("严厉打击经济犯罪，鼓励群众参与治安防范。", 3.0, 0.5),
    ("不断增强人民群众获得感、幸福感、安全感。", 0.0, 0.0),  # the welfare formula
    ("提高群众安全感和满意度。", 0.5, 0.0),  # the public-security survey measure
    ("集中整治形式主义、官僚主义。", 0.0, 0.0),  # party discipline
    ("据法治日报报道，警方严厉打击电信诈骗。", 1.0, 0.0),  # a newspaper's name
    ("公安局依法对其进行了行政处罚。", 1.0, 0.0),  # 公安 0.5 + 依法 as a sanction 0.5
    ("他多次拨打110，浪费警力。", 0.0, 0.0),
    ("你们不是为人民服务的吗？", 0.0, 0.5),  # a rhetorical question negates nothing
    # a fourth reading: the four modes of governance, risk awareness, agencies joining
    # campaigns, riots, crackdown verbs, traders and land, gas, epidemic checkpoints,
    # legal education, the statutory village assemblies
    ("深化源头治理、系统治理和综合治理。", 0.0, 0.0),
    ("加强社会治安综合治理，落实综合治理责任制。", 2.0, 0.0),  # public order: counted
    ("切实提高群众的风险防范意识。", 0.0, 0.0),
    ("增强群众对非法集资的防范意识和识别能力。", 1.0, 0.0),
    ("积极参与禁毒斗争，审结涉毒案件133件。", 1.0, 0.0),  # 禁毒 counts, 参与 does not
    ("引导公众积极参与到大气污染防治中来。", 0.0, 0.5),  # citizens' participation
    ("被捕人士涉嫌參與多區暴動。", 0.5, 0.0),
    ("分别从依法惩戒和精准帮教涉罪未成年人。", 1.0, 0.0),
    ("公安机关将依法打击哄抬物价等违法行为。", 0.5, 0.0),  # 公安 0.5 only
    ("严厉打击哄抬物价、囤积居奇等违法犯罪行为。", 2.0, 0.0),  # a crime: counted
    ("突出精准治污、科学治污、依法治污。", 0.0, 0.0),
    ("防范化解危险化学品领域重大安全风险。", 0.0, 0.0),
    ("有效防范化解政治安全风险。", 2.5, 0.0),  # political security: counted
    ("加强燃气安全检查，排查液化气使用隐患。", 0.0, 0.0),
    ("对刑满释放人员开展排查帮教。", 2.5, 0.0),
    ("坚决打击违法占地、违章建设行为。", 0.0, 0.0),
    ("对排查出的中高风险地区返乡人员立即上报。", 0.0, 0.0),
    ("各村巡逻人员开展好疫情防控综合巡逻。", 0.0, 0.0),
    ("没有采取静默封城管控措施。", 0.0, 0.0),
    ("做好越级上访人员的劝返工作。", 2.0, 0.0),  # petition control: counted
    ("加强未成年人法治宣传教育。", 0.0, 0.5),  # weighted like 普法
    ("依托村民会议、村民代表会议开展议事协商。", 0.0, 3.0),
    ("严防敌对势力煽动闹事。", 1.5, 0.0),
    # a new researcher's scraped corpus: land and buildings, the responsibility system,
    # the enforcement standard, the three-governance formula named in passing
    ("严厉打击非法占用耕地和违法建设行为，严格管控新增违建。", 0.0, 0.0),
    ("对工作不力、发生重大不稳定事件的，严肃追责。", 1.0, 0.0),
    (
        "坚持严格规范公正文明执法，推行执法公示、执法全过程记录和重大执法决定法制审核制度。",
        0.0,
        4.0,
    ),  # fmt: skip
    ("建立健全党组织领导的自治、法治、德治相结合的乡村治理体系。", 0.0, 0.0),
    ("坚持自治为基、法治为本，深化村民自治实践。", 0.0, 2.5),  # elaborated: counted
    ("召开村民大会讨论通过。", 0.0, 1.0),
    # a seventh reading, of texts of 1949-1992: the enemies and campaigns of the era, the
    # supervised reform of class enemies, the state-form formula, the 严打 formula, the
    # constitutions' deprivation of class enemies' rights, the slogan of cadres' work style
    ("对地主、富农、反革命分子、坏分子实行监督改造。", 1.0, 0.0),  # control, not oversight
    ("对四类分子加强监督劳动，监督劳动合同的履行。", 0.5, 0.5),  # contracts: oversight
    ("开展肃反运动，清查反革命分子。", 1.5, 0.0),
    ("镇反运动取得了伟大胜利。", 1.0, 0.0),
    ("用刑罚同一切反革命和其他刑事犯罪行为作斗争。", 1.5, 0.0),
    ("加强对阶级敌人的专政，严厉打击现行反革命分子的破坏活动。", 2.0, 0.0),
    ("加强无产阶级专政，对极少数阶级敌人实行专政。", 0.5, 0.0),  # the state form: 0
    ("坚决贯彻依法从重从快的方针。", 0.5, 0.0),  # rule by law: the 严打 formula
    (
        "国家依照法律剥夺没有改造好的地主、富农的政治权利，不得非法剥夺公民的政治权利。",
        0.0,
        1.0,
    ),  # fmt: skip
    ("国家机关工作人员必须全心全意为人民服务。", 0.0, 0.0),  # work-style rhetoric
    # its rules narrowed after a review on modern text: 监督改造 / 监督劳动 is control only
    # beside the class enemies, the constitutions' deprivation only of class enemies' rights,
    # and events, factions and other regimes named with 反革命 and 专政 count nothing
    ("对地主、富农分子实行监督劳动，人大常委会监督劳动就业工作。", 0.5, 0.5),
    ("对罪犯实行监督改造，纪委监督改造工程招投标。", 0.5, 0.5),
    (
        "国家依照法律剥夺地主、富农的政治权利，任何组织和个人不得以任何理由剥夺公民的政治权利。",
        0.0,
        1.0,
    ),  # fmt: skip
    ("法院判处其有期徒刑五年，剥夺政治权利二年；禁止剥夺公民政治权利。", 0.0, 1.0),
    ("粉碎林彪、江青反革命集团以后，各地继续清查反革命分子。", 0.5, 0.0),
    ("1989年平息反革命暴乱，1927年蒋介石发动四一二反革命政变。", 1.0, 0.0),  # quelling: counted
    ("批判反革命修正主义路线。", 0.0, 0.0),
    ("推翻北洋军阀的专政，建立人民民主专政，对反动派实行专政。", 0.5, 0.0),
    ("资产阶级专政终将被推翻，无产阶级对资产阶级实行全面专政。", 0.5, 0.0),
    ("该国长期处于军事专政之下。", 0.0, 0.0),
    # a second review: a crime's name is no prohibition of the penalty, the convicted are
    # named between, and 管制 is the penalty only, not traffic or export control; work sites,
    # bases and land offices hold no 地主
    ("被告人犯非法拘禁罪被判处有期徒刑三年并剥夺政治权利一年。", 0.0, 0.0),
    ("判处被告人有期徒刑五年，剥夺被告人的政治权利二年。", 0.0, 0.0),
    ("任何人不得非法剥夺公民的政治权利。", 0.0, 1.0),
    ("住建部门监督改造工程质量和交通管制措施落实。", 0.0, 0.5),
    ("对纳入出口管制清单的企业监督改造生产线。", 0.0, 0.5),
    ("督促建筑工地主要负责人监督劳动用工实名制落实。", 0.0, 0.5),
    ("各基地主任要监督劳动纪律执行情况。", 0.0, 0.5),
    ("对被管制分子加强监督劳动。", 0.5, 0.0),
    # an eighth reading, of petition work and the petition regulations, grid and 平安建设
    # plans, community notices, academic abstracts, 枫桥经验 texts, 12345 hotline reports,
    # 扫黑除恶 reports, labour disputes, village compacts, the Hong Kong and Taiwan
    # legislatures, discipline inspection and land requisition: claims handled by law,
    # citizens suing, prosecution and seizure, non-police matters, the hotline reform, the
    # anti-gang categories, the formula of emerging problems, shifts without 由 or 从
    ("推进信访工作法治化，依法分类处理信访诉求。", 1.0, 2.0),  # handling by law: 依法 stays
    ("各级信访部门要依法依规处理各类信访事项。", 1.0, 0.5),
    ("严格落实诉访分离，依法处理涉法涉诉信访问题。", 0.5, 0.5),
    ("执法部门依法处理投诉并及时反馈。", 0.0, 1.0),
    ("依法处理信访活动中的违法犯罪行为，维护信访秩序。", 2.5, 0.0),  # a sanction: moved
    ("对缠访闹访、扰乱公共秩序的，依法处理。", 2.5, 0.0),
    ("严厉打击以上访为名的违法犯罪行为，依法处置非正常上访人员。", 4.0, 0.0),
    ("在全国两会等敏感节点，加强对重点信访人员的稳控，确保不发生进京非访。", 2.5, 0.0),
    ("劳动者可以依法申请劳动争议仲裁，依法提起诉讼。", 0.0, 1.0),  # suing is not 起诉
    (
        "被征收人对补偿决定不服的，可以依法申请行政复议，也可以依法提起行政诉讼。",
        0.0,
        3.0,
    ),  # fmt: skip
    ("检察机关对该案依法提起公诉。", 0.5, 0.0),  # prosecution: rule by law
    ("全面落实打财断血，依法查封、扣押、冻结涉案财产。", 0.5, 0.0),
    ("对未取得规划许可的违法建筑，城管部门依法查封施工现场。", 0.0, 0.0),  # land: 0
    ("对阻挠施工、聚众闹事的少数人员，公安机关依法依规坚决处置。", 1.5, 0.0),
    ("将12345热线与110报警服务台对接，非警务警情分流至政务服务热线办理。", 0.0, 1.0),
    ("深化社区警务改革，推动警力下沉。", 1.5, 0.0),
    ("坚持闻风而动、接诉即办，对群众诉求做到件件有回应。", 0.0, 1.5),
    ("推动从接诉即办向未诉先办转变。", 0.0, 1.0),  # the 'from' side is zeroed
    ("破获涉黑涉恶刑事案件1260余起。", 2.0, 0.0),  # 涉黑涉恶 counts once
    ("坚决打掉恶势力犯罪集团。", 2.0, 0.0),
    ("防止村霸和涉黑组织成员进入村两委班子。", 1.0, 0.0),
    ("深挖彻查黑恶势力保护伞。", 1.0, 0.0),  # 黑恶势力 stays one entry
    ("对党员干部身上的苗头性、倾向性问题，及时谈话提醒。", 0.0, 0.0),
    ("通过热线数据分析，及时发现苗头性、倾向性问题。", 0.0, 0.0),
    ("及时发现群体性事件苗头，把问题解决在萌芽状态。", 2.0, 0.0),
    ("密切关注社会稳定的苗头性、倾向性问题，及时预警处置。", 2.0, 0.0),
    ("本文梳理了枫桥经验从社会管控到社会治理的演变过程。", 0.5, 0.0),
    ("推动维稳思维向法治思维转变。", 0.0, 1.0),
    ("推动管控型政府向服务型政府转变。", 0.0, 1.0),
    ("推动平安建设向基层延伸，向纵深发展。", 1.0, 0.0),  # not a shift
    ("推动社会治安防控体系向智能化转变。", 1.0, 0.0),  # not away from its subject
    ("推动治安防控模式向智能化转变。", 1.0, 0.0),  # an upgrade, not a change of model
    ("依法及时处理信访人的违法行为。", 1.0, 0.0),  # a sanction: moved
    ("依法及时处理信访人的合理诉求。", 0.5, 1.0),
    ("立法院通過修法，保障人民集會自由與結社自由。", 0.0, 2.0),
    ("落实严重精神障碍患者监护责任，防止发生肇事肇祸案事件。", 1.0, 0.0),
    (
        "征地拆迁工作中，要提前开展社会稳定风险评估，妥善化解矛盾，防止发生群体性事件。",
        2.5,
        0.0,
    ),  # fmt: skip
    ("不得越级上访、缠访闹访，违反者取消当年享受的集体福利。", 3.0, 0.0),
    ("村民享有对村务的知情权、参与权和监督权。", 0.0, 3.0),
    # a ninth reading, of national work reports of 1954-2022, Hong Kong press of 2014-2024
    # in traditional characters and microblog posts: the epidemic strategy, the maxim of
    # stability, the autonomy of the special regions, unlawful assembly, the label of a
    # regime, the press freedom and judicial review of Hong Kong, keeping order, police
    # notices of administrative detention, weather warnings and greetings in posts
    ("落实外防输入、内防反弹的防控策略。", 0.0, 0.0),  # the epidemic strategy
    ("遵循稳定压倒一切的方针。", 1.0, 0.0),
    ("稳定压倒一切，没有稳定什么事也办不成。", 1.0, 0.0),  # 稳定 alone stays 0
    ("全面准确贯彻一国两制、港人治港、澳人治澳、高度自治的方针。", 0.0, 0.0),
    ("坚持民族区域自治，深化村民自治实践。", 0.0, 1.0),  # self-government: counted
    ("警方指暴徒投擲汽油彈，屬嚴重暴力行為。", 0.5, 0.0),  # the writer's label
    ("香港的司法獨立受基本法保障。", 0.0, 0.5),
    ("高等法院批准司法覆核申請。", 0.0, 1.0),
    ("有市民擔心條例會影響言論自由和新聞自由。", 0.0, 2.0),
    ("被告被控煽動他人參與非法集結。", 0.5, 0.0),  # taking part in an offence
    ("警方呼籲市民不要參與未經批准的集結。", 0.0, 0.0),
    ("鼓勵市民積極參與地區事務。", 0.0, 0.5),  # participation: counted
    ("平反六四，結束一黨專政。", 0.0, 0.0),  # a regime labelled
    ("警方表示會嚴正執法，維護社會秩序。", 1.0, 0.0),
    ("鼓励公民自觉维护社会秩序，同违法犯罪行为作斗争。", 2.0, 0.0),
    ("警方通报：涉事男子已被依法行政拘留五日。", 0.5, 0.0),  # 依法 + 行政拘留
    ("对违法行为人依法行政处罚。", 0.5, 0.0),
    ("各级政府要依法行政、依法决策。", 0.0, 2.0),  # the government bound by law
    ("暴雨预警，注意安全。", 0.0, 0.0),
    ("及时发现不稳定因素，做好预警工作。", 1.5, 0.0),  # early warning of unrest
    ("平安夜快乐🎄 愿你平平安安", 0.0, 0.0),
    ("一路平安，到家报平安", 0.0, 0.0),
    ("中国平安发布年报。", 0.0, 0.0),
    ("扎实推进平安幸福连万家活动。", 0.5, 0.0),  # the campaign name: counted
    ("推进平安中国建设。", 0.5, 0.0),
    ("天网工程，坏人无处可逃", 1.0, 0.0),
    ("我妈去上访被截回来了，关了三天", 1.0, 0.0),
    ("打12345投诉噪音扰民，第二天就处理了，点赞", 0.0, 0.5),
    # a review of the eighth and ninth readings' rules: weather is when, not what, in a
    # clause about crime; petitions named as a pretext for a crime; 集结号; 处罚权
    ("节假日及恶劣天气期间加强重点部位治安防控和排查整治。", 2.5, 0.0),
    ("暴雨天气期间严密防范盗抢等违法犯罪。", 2.0, 0.0),
    ("依法处理以信访为名扰乱秩序的行为。", 1.0, 0.0),
    ("依法处理借信访之名敲诈勒索的人员。", 1.0, 0.0),
    ("社区志愿者积极参与文明城市创建集结号活动。", 0.0, 0.5),
    ("全面推进依法行政处罚权相对集中。", 0.0, 1.0),
]


@pytest.mark.parametrize(("text", "stability", "service"), CASES)
def test_sentence_is_read_in_its_frame_sense(seg, text, stability, service):
    got = score_frames([text], segmenter=seg, config=CFG).iloc[0]
    assert (got["n_stability"], got["n_service_law"]) == (stability, service), text


def test_microblog_posts_are_not_all_neither(seg):
    posts = [
        "今晚社区组织治安巡逻，请大家注意防范。",
        "街道便民服务中心实行一站式服务，点赞！",
        "今天天气真好，出去走走。",
    ]
    got = score_frames(posts, segmenter=seg, config=CFG)
    assert list(got["frame_label"]) == ["stability", "service_law", "neither"]
