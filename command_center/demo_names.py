"""Word lists for the demo data: Chinese names, regions, cities and companies.

Plain tuples only; :mod:`command_center.demo` draws from them with a seeded
generator, so changing a list changes the demo data (and nothing else).
"""

from __future__ import annotations

# Common surnames, most frequent first (drawn with Zipf-like weights).
SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)

# Characters for given names (one or two of them).
GIVEN_CHARS: tuple[str, ...] = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲芬燕辉鹏建飞斌宇浩凯晨欣怡婷雪琳"
    "晶博文子轩涵梓睿思雨佳嘉诺泽俊豪昊天瑞宁阳鑫海波林峰龙亮新志颖慧倩悦东立春成荣国庆德"
)

# Big sales regions and the cities in each (customer names start with a city).
REGION_CITIES: dict[str, tuple[str, ...]] = {
    "华东": (
        "上海",
        "杭州",
        "南京",
        "苏州",
        "宁波",
        "无锡",
        "合肥",
        "福州",
        "厦门",
        "济南",
        "青岛",
        "南昌",
        "温州",
        "常州",
        "绍兴",
        "嘉兴",
        "金华",
        "台州",
        "泉州",
        "烟台",
    ),
    "华南": (
        "广州",
        "深圳",
        "东莞",
        "佛山",
        "珠海",
        "中山",
        "惠州",
        "汕头",
        "南宁",
        "柳州",
        "海口",
        "三亚",
        "江门",
        "湛江",
    ),
    "华北": (
        "北京",
        "天津",
        "石家庄",
        "太原",
        "呼和浩特",
        "保定",
        "唐山",
        "廊坊",
        "大同",
        "包头",
        "沧州",
        "邯郸",
    ),
    "华中": (
        "武汉",
        "长沙",
        "郑州",
        "宜昌",
        "襄阳",
        "株洲",
        "洛阳",
        "岳阳",
        "常德",
        "南阳",
        "开封",
        "衡阳",
    ),
    "西南": ("成都", "重庆", "昆明", "贵阳", "绵阳", "拉萨", "遵义", "宜宾", "大理", "南充"),
    "西北": ("西安", "兰州", "乌鲁木齐", "银川", "西宁", "咸阳", "宝鸡", "榆林", "天水"),
    "东北": ("沈阳", "大连", "长春", "哈尔滨", "吉林", "鞍山", "大庆", "齐齐哈尔", "锦州"),
}
REGIONS: tuple[str, ...] = tuple(REGION_CITIES)
NATIONWIDE = "全国"  # the director's region

# Industry -> (share of customers, words that go between brand and suffix).
INDUSTRIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "制造": (
        0.22,
        ("机械", "精密制造", "电子", "五金", "汽车配件", "新材料", "模具", "自动化设备"),
    ),
    "零售": (0.14, ("商贸", "百货", "便利连锁", "超市", "电子商务", "贸易")),
    "物流": (0.10, ("物流", "供应链管理", "速运", "仓储", "国际货运代理")),
    "教育": (0.07, ("教育科技", "培训", "文化传播", "教育咨询")),
    "医疗": (0.08, ("医疗器械", "医药", "健康管理", "生物科技", "医疗科技")),
    "金融": (0.06, ("投资", "融资租赁", "资产管理", "保险代理", "商业保理")),
    "互联网": (0.13, ("网络科技", "信息技术", "软件", "数据科技", "智能科技", "云计算")),
    "餐饮": (0.08, ("餐饮管理", "食品", "餐饮连锁", "饮品")),
    "建筑": (0.07, ("建设工程", "装饰工程", "建材", "工程设计")),
    "能源": (0.05, ("新能源", "能源科技", "电力设备", "光伏科技")),
}

# Characters that make up company brand names (two or three of them).
BRAND_CHARS: tuple[str, ...] = tuple(
    "华盛鑫恒泰瑞达通宏远创新博安德嘉锦隆美明凯诚信和兴振优智联天海金银佳宇晨星辰云峰润源丰茂"
    "益康福乐昌荣腾飞翔骏弘毅正合力方众立中卓越启航汇聚永祥宝利鸿铭睿泓晟"
)

# Company suffixes by customer size.
SUFFIXES: dict[str, tuple[tuple[str, float], ...]] = {
    "key_account": (("集团有限公司", 0.45), ("股份有限公司", 0.45), ("有限公司", 0.10)),
    "smb": (("有限公司", 0.85), ("有限责任公司", 0.10), ("股份有限公司", 0.05)),
    "prospect": (("有限公司", 0.90), ("有限责任公司", 0.10)),
}

_NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 written in Chinese numerals (一, 十二, 二十, 九十九)."""
    if not 1 <= n <= 99:
        raise ValueError(f"{n} is outside 1..99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _NUMERALS[ones]
    head = "" if tens == 1 else _NUMERALS[tens]
    return f"{head}十{_NUMERALS[ones] if ones else ''}"


def manager_regions(count: int) -> list[tuple[str, str]]:
    """``(region, big_region)`` for ``count`` managers: 华东, 华南 … or 华东一区, 华南一区 …"""
    if count <= len(REGIONS):
        return [(REGIONS[i], REGIONS[i]) for i in range(count)]
    out: list[tuple[str, str]] = []
    for i in range(count):
        big = REGIONS[i % len(REGIONS)]
        out.append((f"{big}{chinese_number(i // len(REGIONS) + 1)}区", big))
    return out
