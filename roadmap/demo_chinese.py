"""The demo's Simplified Chinese versions, keyed like the records they translate.

The seed article is Chinese, so its own words are used where it has them (加密货币工作组, 政策研究,
监管执行, 跨境协作, 注册路径优化, 信息披露框架, 执法资源升级, 稳定币储备审计, NFT 证券化产品监管).
"""

JURISDICTIONS = {
    "US": "美国",
    "EU": "欧盟",
    "SG": "新加坡",
    "JP": "日本",
}
AUTHORITIES = {
    "SEC": "美国证券交易委员会",
    "ESMA": "欧洲证券和市场管理局",
    "MAS": "新加坡金融管理局",
    "FSA": "日本金融厅",
    "TREASURY": "美国财政部",
}
TOPICS = {
    "framework": "监管框架与资产分类",
    "licensing": "交易所与服务商牌照",
    "stablecoins": "稳定币",
    "investor-protection": "投资者保护",
    "defi": "DeFi 与注册",
    "disclosure": "信息披露",
    "enforcement": "执法",
    "nft": "NFT",
    "cross-border": "跨境协作",
}

SEC_SUMMARY = """\
2025年1月21日，SEC 代理主席马克·乌耶达（Mark T. Uyeda）宣布成立**加密货币工作组**，由委员
海丝·皮尔斯（Hester Peirce）领导，理查德·加伯特（Richard Gabbert）任幕僚长，泰勒·阿舍
（Taylor Asher）任首席政策顾问。

据报道，其目标是：让监管跟上市值超过2.8万亿美元的加密市场；为区块链创新提供明确的法律基础；
建立跨境监管协作；防范系统性金融风险。报道援引 Chainalysis 的估计：2024年诈骗和洗钱造成的损失
达43亿美元；报道预计监管框架可使非法活动减少60%以上。

报道还列出了 SEC 对市场参与者的要求：交易所实行双重 KYC/AML 审核、链上交易实时监控，并更严格地
分离冷热钱包；投资者保护方面，实行合格投资者认证、风险等级评估和熔断机制。
"""

# Roadmap slug -> (title, summary).
ROADMAPS = {
    "sec-crypto-task-force": ("SEC 加密货币工作组", SEC_SUMMARY),
    "eu-mica": (
        "欧盟加密资产市场监管条例（MiCA）",
        "欧盟对加密资产发行方和服务提供商的监管条例。与 SEC 相比，报道指出其适用范围更广，"
        "执法机制也不同。",
    ),
    "sg-payment-token-licensing": (
        "新加坡：数字支付代币牌照",
        "新加坡对数字支付代币服务实行牌照制：是审批制，而不是 SEC 的注册制。",
    ),
    "jp-exchange-approval": (
        "日本：加密资产交易所审批",
        "据报道，日本的交易所须经金融厅批准，投资者保护条款比 SEC 更严格。",
    ),
    "us-genius-act": (
        "GENIUS 法案：支付型稳定币",
        "《指导与建立美国稳定币国家创新法案》为支付型稳定币建立联邦框架。其中的日期是从法案"
        "签署和最终实施细则发布起算的时钟，这些事件发生时本站会重新计算。",
    ),
}

# (Roadmap slug, workstream slug) -> (title, summary).
WORKSTREAMS = {
    ("sec-crypto-task-force", "organisation"): ("组织架构", "工作组的成立及其领导层。"),
    ("sec-crypto-task-force", "policy-research"): (
        "政策研究",
        "数字资产分类标准，落地路径为分级评估体系。",
    ),
    ("sec-crypto-task-force", "supervision-enforcement"): (
        "监管执行",
        "市场参与者行为准则，落地路径为交易所和钱包运营商的准入规则；设立针对智能合约违规的专门团队。",
    ),
    ("sec-crypto-task-force", "cross-border-cooperation"): (
        "跨境协作",
        "国际监管网络，落地路径为与二十国集团金融稳定委员会的数据共享机制。",
    ),
    ("sec-crypto-task-force", "registration-disclosure"): (
        "注册与信息披露",
        "适合 DeFi 的注册路径，以及代币发行方的财务透明度标准。",
    ),
    ("sec-crypto-task-force", "investor-protection"): ("投资者保护", "投资者教育与保护措施。"),
    ("sec-crypto-task-force", "stablecoins"): ("稳定币", "研究重点：储备审计。"),
    ("sec-crypto-task-force", "nfts"): ("NFT", "研究重点：NFT 证券化产品。"),
    ("eu-mica", "stablecoins"): (
        "稳定币（电子货币代币和资产参考代币）",
        "MiCA 第三编和第四编。",
    ),
    ("eu-mica", "service-providers"): ("加密资产服务提供商", "加密资产服务提供商（CASP）的授权。"),
    ("sg-payment-token-licensing", "licensing"): ("牌照", "主要支付机构牌照。"),
    ("jp-exchange-approval", "exchanges"): ("交易所", "交易所的审批与监管。"),
    ("sec-crypto-task-force", "public-input"): ("圆桌会议与公众意见", ""),
    ("sec-crypto-task-force", "rulemaking"): ("规则制定", "规则提案与解释。"),
    ("us-genius-act", "legislation"): ("立法", "法案的通过与签署。"),
    ("us-genius-act", "implementing-rules"): ("实施细则", "法案要求制定的规则。"),
    ("us-genius-act", "application"): ("适用", "法案各项要求何时适用。"),
    ("sg-payment-token-licensing", "regimes"): ("新制度", "稳定币与数字代币服务提供商。"),
    ("jp-exchange-approval", "legislation"): ("立法", "法案及其配套政令。"),
}

# Milestone slug -> (title, summary).
MILESTONES = {
    "sec-crypto-task-force-announced": (
        "加密货币工作组成立",
        "代理主席马克·乌耶达宣布成立工作组，由委员海丝·皮尔斯领导。",
    ),
    "sec-first-phase-public-comment": (
        "第一阶段成果公开征求意见",
        "工作组的第一阶段成果将公开征求意见。报道的说法是“2025年第三季度前”：既可能指第三季度开始"
        "之前，也可能指第三季度结束之前，因此本站保留原话，并以第三季度末作为截止日期。",
    ),
    "sec-investor-education-programme": (
        "推出投资者教育计划",
        "投资者教育计划将在2025年1月宣布后的“未来18个月内”推出：即大约2026年7月前。",
    ),
    "sec-tiered-asset-assessment": (
        "数字资产分级评估体系",
        "数字资产分类标准，落地路径为分级评估体系。",
    ),
    "sec-exchange-wallet-admission-rules": (
        "交易所和钱包运营商准入规则",
        "市场参与者行为准则：谁可以运营交易所或钱包服务，须实行双重 KYC/AML 审核、链上交易实时"
        "监控，托管时分离冷热钱包。",
    ),
    "sec-smart-contract-investigation-team": (
        "智能合约违规专门调查团队",
        "执法资源升级：组建针对智能合约违规的技术调查团队。",
    ),
    "sec-ai-smart-contract-audit": (
        "AI 驱动的智能合约审计系统",
        "报道称该系统正在开发中。",
    ),
    "sec-fsb-data-sharing": (
        "与金融稳定委员会的数据共享机制",
        "国际监管网络，从与二十国集团金融稳定委员会的数据共享开始。",
    ),
    "sec-defi-registration-path": (
        "适合 DeFi 的注册路径",
        "注册路径优化：为去中心化金融设计新的注册途径。",
    ),
    "sec-token-issuer-disclosure": (
        "代币发行方信息披露标准",
        "信息披露框架：代币发行方的财务透明度标准。",
    ),
    "sec-investor-safeguards": (
        "合格投资者认证、风险评级和熔断机制",
        "合格投资者认证、投资风险等级评估，以及针对异常交易的熔断机制。",
    ),
    "sec-stablecoin-reserve-audits": (
        "稳定币储备审计规则",
        "被列为未来研究重点（稳定币储备审计）；未给出日期。",
    ),
    "sec-nft-securitisation": (
        "NFT 证券化产品监管",
        "被列为未来研究重点（NFT 证券化产品监管）；未给出日期。",
    ),
    "mica-stablecoin-titles-apply": (
        "MiCA 稳定币相关规定开始适用",
        "资产参考代币和电子货币代币的规则自2024年6月30日起适用。",
    ),
    "mica-applies-in-full": (
        "MiCA 全面适用，包括服务提供商授权",
        "条例的其余部分，包括加密资产服务提供商的授权，自2024年12月30日起适用。",
    ),
    "sg-major-payment-institution-licences": (
        "数字支付代币公司的主要支付机构牌照",
        "报道统计已发放10张主要支付机构牌照。",
    ),
    "jp-exchange-approval-regime": (
        "加密资产交易所须经金融厅批准",
        "交易所须经金融厅批准，并适用更严格的投资者保护条款。",
    ),
    "sec-roundtable-security-status": (
        "加密资产证券属性圆桌会议",
        "工作组春季系列的首场公开圆桌会议，讨论加密资产何时属于证券。",
    ),
    "sec-roundtable-custody": (
        "加密资产托管圆桌会议",
        "讨论经纪自营商和投资顾问如何为客户持有加密资产的圆桌会议。",
    ),
    "sec-roundtable-tokenization": (
        "代币化圆桌会议",
        "据合规媒体报道，讨论将证券上链的圆桌会议。",
    ),
    "sec-roundtable-defi": (
        "DeFi 圆桌会议：春季系列最后一场",
        "“DeFi 与美国精神”为春季圆桌会议收官。",
    ),
    "sec-trading-markets-crypto-faqs": (
        "面向经纪自营商的加密资产常见问题解答；撤回2019年托管声明",
        "交易与市场部解答有关加密资产的常见问题，并撤回2019年关于经纪自营商托管的联合声明。",
    ),
    "sec-staff-directed-to-draft-rules": (
        "指示工作人员起草加密资产规则提案",
        "主席要求工作人员准备有关加密资产的规则提案。",
    ),
    "sec-project-crypto": (
        "启动“加密计划”（Project Crypto）",
        "主席保罗·阿特金斯（Paul Atkins）在委员会范围内启动一项工作，使证券规则适应加密资产。",
    ),
    "sec-spring-2025-agenda-crypto-rules": (
        "2025年春季监管议程列出四项加密资产规则",
        "该监管议程于2025年9月4日晚些时候公布，计划就加密资产的发行与销售、托管、过户代理和"
        "经纪自营商制定规则。",
    ),
    "sec-token-taxonomy-speech": (
        "主席关于代币分类的演讲",
        "主席阐述他将如何对加密资产进行分类。",
    ),
    "sec-cftc-crypto-asset-categories": (
        "SEC 与 CFTC 联合解释将加密资产分为五类",
        "第2026-30号公告。**各来源的日期不一致**：Paul Weiss 报道为2026年3月17日，legiseye.com "
        "为2026年3月23日。本站以较早的日期作为完成日，并保留两个来源。",
    ),
    "sec-regulation-crypto-assets-proposal": (
        "“加密资产监管规则”（Regulation Crypto Assets）提案",
        "该提案于2026年春季提出概要，随后据报道正在白宫信息与监管事务办公室审查。",
    ),
    "genius-senate-passes": (
        "参议院通过 GENIUS 法案（68票对30票）",
        "参议院通过该稳定币法案。",
    ),
    "genius-house-passes": (
        "众议院通过 GENIUS 法案（308票对122票）",
        "众议院通过参议院的法案。",
    ),
    "genius-act-enacted": (
        "GENIUS 法案签署成为法律",
        "总统签署法案：其中的时钟开始计时。",
    ),
    "genius-treasury-anprm": (
        "财政部发布拟议规则制定预先通知",
        "财政部在提出法案的实施规则之前征求意见。",
    ),
    "genius-fincen-ofac-proposed-rule": (
        "FinCEN 与 OFAC 联合拟议规则",
        "提出针对稳定币发行方的反洗钱和制裁规则。来源只给出月份，本站以该月最后一天计。",
    ),
    "genius-final-rules": (
        "最终实施细则",
        "监管机构须在法案签署后一年内发布规则。据报道，2026年6月时仍未发布。",
    ),
    "genius-act-effective": (
        "GENIUS 法案生效",
        "法案在以下两个日期中较早者生效：2027年1月18日（签署后18个月），或最终实施细则发布后"
        "120天。（有一篇二手文章称180天：法案原文及此处引用的来源均为120天。）",
    ),
    "genius-service-provider-transition-ends": (
        "数字资产服务提供商过渡期结束",
        "法案签署三年后，交易所、托管机构和钱包提供商只能经营获批发行方的支付型稳定币。",
    ),
    "mica-casp-transition-ends": (
        "MiCA 现有服务提供商过渡期结束",
        "已依据本国法律为客户提供服务的提供商最迟可继续经营至2026年7月1日（第143条第3款）；"
        "成员国可能选择了更短的过渡期。",
    ),
    "sg-stablecoin-framework-finalised": (
        "稳定币监管框架最终确定",
        "新加坡金融管理局最终确定单一货币稳定币的监管框架。",
    ),
    "sg-dtsp-regime-takes-effect": (
        "数字代币服务提供商制度生效",
        "《金融服务与市场法》第9部分自2025年6月30日起适用，不设过渡期。",
    ),
    "jp-payment-services-act-amended": (
        "《资金结算法》修正案通过",
        "国会通过该修正案。来源只给出月份，本站以该月最后一天计。",
    ),
    "jp-draft-orders-consultation": (
        "修正案配套政令草案征求意见截止",
        "2025年12月16日公布的政令草案征求意见至2026年1月19日。",
    ),
    "jp-crypto-working-group": (
        "金融厅成立加密资产工作组",
        "成立工作组，研究如何监管加密资产。",
    ),
    "jp-working-group-report": (
        "工作组报告草案获批",
        "于2025年底获批；本站以年底计。",
    ),
    "jp-securities-law-bill-cabinet": (
        "内阁批准将加密资产纳入证券法的法案",
        "据报道为2026年4月10日。",
    ),
    "jp-securities-law-bill-passes": (
        "国会通过将加密资产纳入证券法的法案",
        "预计在2026年国会会期内通过。",
    ),
    "jp-securities-law-rules-apply": (
        "证券法下的加密资产规则开始适用",
        "法案通过后，可能自2027年春季起适用。",
    ),
}
