"""The demo world: four jurisdictions' agency trees, about 300 people, and an account for every role.

Deterministic (seeded), so every `peili demo` on an empty database builds the same world and
the browser tests can rely on its names.
"""

from __future__ import annotations

# (code, name, parent code, jurisdiction code, is_training_body, budgeted headcount, units)
AGENCIES: list[tuple[str, str, str | None, str, bool, int, list[str]]] = [
    # 新竹市（seed 001）
    ("376570000A", "新竹市政府", None, "hsinchu-city", False, 180, ["秘書處", "計畫處"]),
    ("376570100A", "新竹市政府人事處", "376570000A", "hsinchu-city", True, 32, ["考訓科", "任免科", "給與科"]),
    ("376570200A", "新竹市政府教育處", "376570000A", "hsinchu-city", False, 64, ["學務科", "國教科"]),
    ("376570300A", "新竹市政府工務處", "376570000A", "hsinchu-city", False, 88, ["養護科", "建築管理科"]),
    ("376570400A", "新竹市環境保護局", "376570000A", "hsinchu-city", False, 120, ["空氣品質科", "綜合規劃科"]),
    ("376570201A", "新竹市立建華國民中學", "376570200A", "hsinchu-city", False, 24, ["教務處", "總務處"]),
    ("376570202A", "新竹市東區東門國民小學", "376570200A", "hsinchu-city", False, 18, ["教務處"]),
    # 高雄市政府教育局（seed 003）
    ("397000000E", "高雄市政府教育局", None, "kaohsiung-edu", True, 210, ["人事室", "國小教育科", "中等教育科"]),
    ("397000101E", "高雄市立高雄高級中學", "397000000E", "kaohsiung-edu", False, 40, ["教務處", "學務處"]),
    ("397000102E", "高雄市立前鎮國民中學", "397000000E", "kaohsiung-edu", False, 26, ["教務處"]),
    ("397000103E", "高雄市鼓山區鼓山國民小學", "397000000E", "kaohsiung-edu", False, 15, ["教務處"]),
    # 嘉義縣（seed 004）
    ("376600000A", "嘉義縣政府", None, "chiayi-county", False, 260, ["行政處", "計畫處"]),
    ("376600100A", "嘉義縣政府人事處", "376600000A", "chiayi-county", True, 28, ["考訓科", "企劃科"]),
    ("376600200A", "嘉義縣人力發展所", "376600000A", "chiayi-county", True, 12, ["研習課"]),
    ("376600300A", "嘉義縣財政稅務局", "376600000A", "chiayi-county", False, 96, ["稅務科", "財務科"]),
    ("376600400A", "嘉義縣衛生局", "376600000A", "chiayi-county", False, 110, ["保健科", "醫政科"]),
    ("376600500A", "嘉義縣朴子市公所", "376600000A", "chiayi-county", False, 45, ["民政課", "財政課"]),
    # 臺北市（seed 000、002）
    ("379000000A", "臺北市政府", None, "taipei-city", False, 420, ["秘書處", "研究發展考核委員會"]),
    ("379000100A", "臺北市政府人事處", "379000000A", "taipei-city", False, 70, ["考訓科", "任免科"]),
    ("379000200A", "臺北市政府公務人員訓練處", "379000000A", "taipei-city", True, 58, ["綜合規劃科", "數位學習科"]),
    ("379000300A", "臺北市政府教育局", "379000000A", "taipei-city", False, 150, ["中等教育科", "國小教育科"]),
    ("379000400A", "臺北市政府社會局", "379000000A", "taipei-city", False, 130, ["老人福利科", "婦女福利科"]),
    ("379000301A", "臺北市立第一女子高級中學", "379000300A", "taipei-city", False, 45, ["教務處"]),
]

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高"
GIVEN = [
    "志明",
    "淑芬",
    "雅婷",
    "家豪",
    "怡君",
    "冠宇",
    "美玲",
    "宗翰",
    "佳穎",
    "俊傑",
    "惠如",
    "建宏",
    "珮瑜",
    "承恩",
    "詩涵",
    "柏翰",
    "筱萍",
    "國華",
    "麗華",
    "宜蓁",
    "文雄",
    "秀英",
    "信宏",
    "郁婷",
    "子軒",
    "欣怡",
    "明哲",
    "玉珍",
    "育誠",
    "婉婷",
    "碁峰",
    "靜宜",
    "世昌",
    "慧君",
    "嘉玲",
    "正雄",
]
JOB_TITLES = {
    "junior": ["書記", "辦事員", "助理員", "科員"],
    "senior": ["科員", "專員", "股長", "視察", "科長"],
    "selected": ["專門委員", "副處長", "處長", "局長"],
    "contract": ["約聘研究員", "約聘管理師"],
    "hired": ["約僱書記", "約僱辦事員"],
    "temporary": ["臨時人員"],
    "worker": ["技工", "工友", "駕駛"],
    "police_fire": ["警員", "隊員"],
    "teacher": ["教師"],
    "other": ["職務代理人員"],
}
# Category weights for the demo population (roughly a city government's mix).
CATEGORY_WEIGHTS = [
    ("junior", 22),
    ("senior", 36),
    ("selected", 6),
    ("contract", 8),
    ("hired", 8),
    ("temporary", 4),
    ("worker", 5),
    ("police_fire", 3),
    ("teacher", 6),
    ("other", 2),
]
DEMO_PASSWORD = "Peili-demo-2026"  # noqa: S105 — printed for the demo, never used in production

# username, display name, role, scope agency code, person (agency code, unit, name, category, grade, supervisor)
ACCOUNTS: list[tuple[str, str, str, str | None, tuple[str, str, str, str, int | None, bool] | None]] = [
    ("admin", "系統管理者", "admin", None, None),
    (
        "officer",
        "人事承辦人 陳怡君",
        "personnel_officer",
        "376570000A",
        ("376570100A", "任免科", "陳怡君", "senior", 7, False),
    ),
    (
        "organizer",
        "訓練承辦人 林冠宇",
        "organizer",
        "376570100A",
        ("376570100A", "考訓科", "林冠宇", "senior", 6, False),
    ),
    ("supervisor", "主管 黃國華", "supervisor", "376570100A", ("376570100A", "考訓科", "黃國華", "senior", 9, True)),
    ("learner", "學員 張雅婷", "learner", None, ("376570100A", "考訓科", "張雅婷", "junior", 5, False)),
    ("reviewer", "審查委員 吳正雄", "reviewer", None, None),
    (
        "officer-taipei",
        "人事承辦人 蔡佳穎",
        "personnel_officer",
        "379000000A",
        ("379000100A", "考訓科", "蔡佳穎", "senior", 7, False),
    ),
    (
        "officer-chiayi",
        "人事承辦人 許建宏",
        "personnel_officer",
        "376600000A",
        ("376600100A", "考訓科", "許建宏", "senior", 7, False),
    ),
]
