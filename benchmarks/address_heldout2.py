"""The second held-out address set: people's writing generated from the division reference only,
independently of the parser's rules and of the other sets, plus rows typed by hand.

    uv run python benchmarks/address_heldout2.py    # (re)writes benchmarks/data/address_heldout2.csv

Each row is one way a person writes one real division chain (NBS 2023 names, the division
history's old names): a courier waybill with a recipient and a telephone number, a shop or a
delivery note (门面, 楼下, 对面, 旁边, 隔壁), a household register line (XX县XX镇XX村XX组XX号), an
enterprise registration (XX街道XX路XX号XX幢XX层XX室, 自编号, 之一, 附), a rural house (自然村, 组,
村口), a home in an estate; in it divisions are written full, short, old, mistyped, in
Traditional characters, in pinyin, or left out, and the house in any notation (1-2-301, 1栋2单元301,
1#2-301, 一号楼, A座1201, 13F, B1层, 负一楼, 301室, 1201房), digits half or full width or Chinese.

Labels are what the text states in today's official names: a level the text writes is labelled;
a level it does not write is filled from the levels below it only when the written names leave
one division possible, blank otherwise; levels below the lowest one written are blank; a
community is labelled only when the text writes its name. The building, unit and room are
labelled in canonical form (digits, upper-case letters); a floor alone, a door number on a road
and a shop number are not a building or a room.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.address_realtext import COLUMNS, HOUSE_LEVELS, LEVELS, strip_suffix  # noqa: E402
from divisions.reference import DATA as DIVISIONS_DATA  # noqa: E402
from divisions.reference import Division, national, read_history  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "address_heldout2.csv"
SEED = 2026_12_02
ROWS = 1150

# how many of every hundred Zhejiang rows fall in each city (people, not divisions)
ZJ_WEIGHTS = {"3301": 26, "3302": 15, "3303": 13, "3304": 7, "3305": 5, "3306": 7, "3307": 11,
              "3308": 3, "3309": 2, "3310": 8, "3311": 3}
FULLWIDTH = str.maketrans("0123456789ABCDEFabcdef-#", "０１２３４５６７８９ＡＢＣＤＥＦａｂｃｄｅｆ－＃")
TRADITIONAL = str.maketrans(
    "区县镇乡号楼单门东阳宁华兴绍温丽岭湾桥园龙凤台广长丰黄员会庄叶坞苏萧义乐开发滨陈刘张杨头场车马鸟鱼岛农业电织厂边转营兰诸",
    "區縣鎮鄉號樓單門東陽寧華興紹溫麗嶺灣橋園龍鳳臺廣長豐黃員會莊葉塢蘇蕭義樂開發濱陳劉張楊頭場車馬鳥魚島農業電織廠邊轉營蘭諸")
PINYIN = {"浙江省": "Zhejiang", "杭州市": "Hangzhou", "宁波市": "Ningbo", "温州市": "Wenzhou",
          "嘉兴市": "Jiaxing", "湖州市": "Huzhou", "绍兴市": "Shaoxing", "金华市": "Jinhua",
          "衢州市": "Quzhou", "舟山市": "Zhoushan", "台州市": "Taizhou", "丽水市": "Lishui",
          "西湖区": "Xihu District", "滨江区": "Binjiang District", "余杭区": "Yuhang District",
          "萧山区": "Xiaoshan District", "鄞州区": "Yinzhou District", "鹿城区": "Lucheng District",
          "义乌市": "Yiwu", "上城区": "Shangcheng District", "拱墅区": "Gongshu District",
          "海曙区": "Haishu District", "越城区": "Yuecheng District", "婺城区": "Wucheng District"}
# homophone slips people make in division names (name -> as typed)
TYPOS = {"萧山区": "肖山区", "鄞州区": "银州区", "衢州市": "瞿州市", "嵊州市": "乘州市", "婺城区": "务城区",
         "瓯海区": "欧海区", "椒江区": "焦江区", "黄岩区": "黄严区", "乐清市": "乐青市", "诸暨市": "诸既市",
         "柯桥区": "柯乔区", "余杭区": "余航区", "临平区": "林平区", "温岭市": "温领市", "丽水市": "莉水市",
         "嘉兴市": "家兴市", "湖州市": "胡州市", "慈溪市": "磁溪市", "象山县": "像山县", "鹿城区": "路城区",
         "拱墅区": "拱墅区", "龙湾区": "龙弯区", "北仑区": "北伦区", "缙云县": "晋云县", "遂昌县": "隧昌县",
         "淳安县": "纯安县", "桐庐县": "桐卢县", "海曙区": "海署区", "永康市": "永康巿", "上虞区": "上吴区"}
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏"
            "吕丁沈任姚卢傅钟姜崔谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷黎史龙陶贺顾毛郝龚邵万钱严")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国"
         "志文斌辉鹏飞雪梅琳晨浩宇欣怡子轩梓涵一诺俊杰晓东海燕佳琪")
ROAD_HEADS = ("人民", "解放", "中山", "建设", "环城", "文一", "文二", "文三", "天目山", "莫干山", "延安",
              "体育场", "凤起", "庆春", "秋涛", "江南", "江东", "滨海", "世纪", "通惠", "金城", "市心",
              "鄞县", "中兴", "百丈", "钱湖", "学士", "车站", "府前", "县前", "胜利", "和平", "新华",
              "工业", "科技", "创业", "振兴", "兴业", "长江", "黄河", "太湖", "丹溪", "宾王", "稠州",
              "江滨", "望江", "东海", "沿江", "城东", "城西", "南湖", "北门", "西山", "东山", "青年",
              "迎宾", "政通", "开元", "五一", "八一", "九龙", "双塔", "白云", "云龙", "银泰", "中兴南")
ROAD_TAILS = ("路", "路", "路", "东路", "西路", "南路", "北路", "中路", "大道", "街", "大街", "巷", "弄")
ESTATE_HEADS = ("阳光", "金都", "绿城", "万科", "碧桂园", "保利", "滨江", "中天", "东方", "世纪",
                "锦绣", "翡翠", "桂花", "玉兰", "香樟", "紫荆", "江南", "江景", "湖滨", "西溪",
                "钱江", "和谐", "幸福", "康乐", "agile", "城市", "新城", "嘉和", "春晖", "银湖",
                "丹桂", "金色", "水岸", "云栖", "融创", "龙湖", "华润", "蓝色钱江", "九龙仓", "星河湾")
ESTATE_TAILS = ("花园", "小区", "苑", "家园", "公寓", "新村", "府", "华府", "城", "湾", "名邸",
                "嘉园", "雅苑", "庭", "一品", "壹号", "锦园", "东区", "西苑", "二期", "三区")
TOWERS = ("大厦", "广场", "中心", "商务楼", "国际", "大楼", "科技园", "写字楼", "创意园")
SHOPS = ("便利店", "超市", "五金店", "快递驿站", "菜鸟驿站", "奶茶店", "理发店", "面馆", "药店",
         "水果店", "修车铺", "烟酒店", "服装店", "手机店", "早餐店", "棋牌室", "打印店")
LANDMARKS = ("农商银行", "中国移动营业厅", "邮政局", "派出所", "卫生院", "小学", "中学", "菜市场",
             "加油站", "公交站", "村委会", "老街", "大桥", "车站", "汽车站", "农贸市场", "广场")
LEADS = ("收货地址：", "地址:", "详细地址 ", "收件地址", "送货地址:", "寄件人地址：", "现住址：",
         "户籍地：", "住所：", "经营场所：", "注册地址:", "联系地址：", "【地址】", "地址——", "addr: ")
NOT_ADDRESSES = ("无", "不详", "同上", "null", "NULL", "暂无", "待定", "-", "/", "见备注",
                 "13905718888", "请联系客服", "测试", "aaa", "123456", "同户籍地址", "N/A",
                 "地址不详", "自提", "到付", "门卫代收", "放快递柜", "??", "1", "中国")
NATURAL = "上下东西南北前后大小新老"
NATURAL_TAIL = ("家", "坑", "岙", "山", "头", "坞", "湾", "塘", "岭", "桥", "村", "垟", "畈", "溪", "庄")
CN = "〇一二三四五六七八九"
# the peoples in autonomous prefectures' names: 黔西南布依族苗族自治州 is written 黔西南(州)
ETHNIC = ("布依族|苗族|藏族|羌族|彝族|白族|哈尼族|傣族|景颇族|傈僳族|朝鲜族|土家族|回族|蒙古族?|哈萨克族?|"
          "柯尔克孜族?|壮族|侗族")


def short_name(name: str) -> str:
    """The short form people write: 塔城 for 塔城地区; names whose kind is a word of its own
    (神农架林区, 六枝特区, 兰州新区, 经济开发区) are not shortened."""
    if name.endswith("地区"):
        return name[:-2]
    if name.endswith(("林区", "特区", "矿区", "新区", "开发区", "园区", "示范区")):
        return name
    return strip_suffix(name)


def cn_small(n: int) -> str:
    """1-99 in Chinese numerals as people write them (十二, 二十三)."""
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


def cn_digits(s: str) -> str:
    """Digit by digit in Chinese (502 -> 五〇二; 零 sometimes)."""
    return "".join(CN[int(c)] if c.isdigit() else c for c in s)


class World:
    """The division reference indexed for drawing chains and for the unambiguity of labels."""

    def __init__(self) -> None:
        self.by_code: dict[str, Division] = {d.code: d for d in national()}
        self.children: dict[str, list[Division]] = defaultdict(list)
        self.by_short: dict[tuple[str, str], list[str]] = defaultdict(list)
        for d in self.by_code.values():
            self.children[d.parent].append(d)
            self.by_short[(d.level, strip_suffix(d.name))].append(d.code)
        self.zj_by_city: dict[str, list[Division]] = defaultdict(list)
        for d in self.by_code.values():
            if d.level == "community" and not d.name.endswith("虚拟社区"):
                self.zj_by_city[d.code[:4]].append(d)
        self.other_streets = [d for d in self.by_code.values() if d.level == "street"
                              and not d.code.startswith("33") and d.name.endswith(("街道", "镇", "乡"))]
        special = re.compile(r"(自治州|盟|地区|自治县|开发区|新区|旗|林区)$")
        self.special_streets = [d for d in self.other_streets if any(
            special.search(a.name) for a in self.chain(d.code))
            or self.by_code[d.code[:4]].name in ("市辖区", "省直辖县级行政区划",
                                                 "自治区直辖县级行政区划")
            or self.by_code[d.code[:6]].name.endswith("市")]
        self.old: dict[str, list[str]] = defaultdict(list)  # today's code -> old names
        current = {(d.code[:4], strip_suffix(d.name)) for d in self.by_code.values()}
        for c in read_history():
            if c.level in ("district", "street") and c.new_code in self.by_code \
                    and c.kind in ("rename", "merge", "upgrade") \
                    and (c.new_code[:4], strip_suffix(c.old_name)) not in current:
                self.old[c.new_code].append(c.old_name)
        with (DIVISIONS_DATA / "division_history_manual.csv").open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["new_code"] in self.by_code and r["old_name"] not in self.old[r["new_code"]] \
                        and (r["new_code"][:4], strip_suffix(r["old_name"])) not in current:
                    self.old[r["new_code"]].append(r["old_name"])
        self.old_streets = [self.by_code[c] for c, names in self.old.items() if len(c) == 9 and names]

    def chain(self, code: str) -> list[Division]:
        """The division and its ancestors, top first."""
        out = []
        while code:
            d = self.by_code[code]
            out.append(d)
            code = d.parent
        return out[::-1]

    def labels(self, leaf: str, written: set[str]) -> dict[str, str] | None:
        """The labels of a text that writes the `written` levels of `leaf`'s chain: written
        levels, and unwritten ones above the lowest written one when every division the written
        names allow agrees on them; None when that leaves a gap between labelled levels."""
        chain = {d.level: d for d in self.chain(leaf)}
        if not written:
            return {}
        lowest = max(written, key=LEVELS.index)
        candidates = self.by_short[(lowest, strip_suffix(chain[lowest].name))]
        fits = []
        for code in candidates:
            names = {d.level: d for d in self.chain(code)}
            if all(strip_suffix(names[lv].name) == strip_suffix(chain[lv].name)
                   for lv in written if lv in names):
                fits.append(names)
        out = {}
        for level in LEVELS[: LEVELS.index(lowest) + 1]:
            if level not in chain:
                continue
            if level in written or len({f[level].name for f in fits if level in f}) == 1:
                out[level] = chain[level].name
        labelled = [lv for lv in LEVELS if out.get(lv)]
        if labelled != list(LEVELS[: len(labelled)]):
            return None
        return out


class Writer:
    """One person's way of writing one address."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.w = world
        self.rng = rng

    # --- small pieces -------------------------------------------------------------------------
    def person(self) -> str:
        r = self.rng
        name = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))
        return r.choice((name, name, name, r.choice(SURNAMES) + r.choice(("先生", "女士", "小姐", "师傅"))))

    def phone(self) -> str:
        r = self.rng
        n = "1" + r.choice("3456789") + "".join(r.choice("0123456789") for _ in range(9))
        forms = (n, n, f"{n[:3]}-{n[3:7]}-{n[7:]}", f"{n[:3]} {n[3:7]} {n[7:]}", f"+86 {n}",
                 f"0{r.choice(('571', '574', '577', '579', '576', '573'))}-8{r.randint(1000000, 9999999)}",
                 f"{n[:3]}****{n[7:]}")
        return r.choice(forms)

    def road(self) -> str:
        return self.rng.choice(ROAD_HEADS) + self.rng.choice(ROAD_TAILS)

    def door(self) -> str:
        """A door number on a road: 88号, 88-3号, 88号之一, 88号附3号, 附88号, 甲88号."""
        r = self.rng
        n = r.choice((r.randint(1, 30), r.randint(1, 300), r.randint(100, 2999)))
        return r.choice((f"{n}号", f"{n}号", f"{n}号", f"{n}号", f"{n}-{r.randint(1, 9)}号",
                         f"{n}号之{r.choice('一二三')}", f"{n}号附{r.randint(1, 9)}号", f"附{n}号",
                         f"{r.choice('甲乙')}{n}号", f"{n}弄{r.randint(1, 40)}号"))

    def estate(self) -> str:
        r = self.rng
        head = r.choice(ESTATE_HEADS)
        if head == "agile":
            head = r.choice(("雅居乐", "Agile", "金地", "旭辉", "万达"))
        return head + r.choice(ESTATE_TAILS)

    def digits(self, text: str) -> str:
        """Full-width digits and letters now and then."""
        return text.translate(FULLWIDTH) if self.rng.random() < 0.06 else text

    # --- houses -------------------------------------------------------------------------------
    def house(self) -> tuple[str, dict[str, str], str]:
        """A building / unit / room in one of the notations people use: (text, labels, class)."""
        r = self.rng
        b, u, fl = r.randint(1, 40), r.randint(1, 6), r.randint(1, 33)
        room = f"{fl}{r.randint(1, 6):02d}"
        letter = r.choice("ABCDEFG")
        bs = str(b)
        forms: list[Callable[[], tuple[str, dict[str, str], str]]] = [
            lambda: (f"{b}-{u}-{room}", {"building": bs, "unit": str(u), "room": room}, "h_dash3"),
            lambda: (f"{b}栋{u}单元{room}", {"building": bs, "unit": str(u), "room": room}, "h_dong"),
            lambda: (f"{b}幢{u}单元{room}室", {"building": bs, "unit": str(u), "room": room}, "h_zhuang"),
            lambda: (f"{b}#{u}-{room}", {"building": bs, "unit": str(u), "room": room}, "h_hash"),
            lambda: (f"{b}#{room}", {"building": bs, "room": room}, "h_hash"),
            lambda: (f"{cn_small(b)}号楼", {"building": bs}, "h_cn"),
            lambda: (f"{cn_small(b)}幢{cn_small(u)}单元{cn_digits(room)}室",
                     {"building": bs, "unit": str(u), "room": room}, "h_cn"),
            lambda: (f"{letter}座{room}", {"building": letter, "room": room}, "h_letter"),
            lambda: (f"{letter}座{room}室", {"building": letter, "room": room}, "h_letter"),
            lambda: (f"{letter}栋{fl}楼", {"building": letter}, "h_letter_floor"),
            lambda: (f"{b}号楼{u}单元{room}", {"building": bs, "unit": str(u), "room": room}, "h_haolou"),
            lambda: (f"{b}号楼{room}室", {"building": bs, "room": room}, "h_haolou"),
            lambda: (f"{b}幢{room}", {"building": bs, "room": room}, "h_zhuang"),
            lambda: (f"{room}室", {"room": room}, "h_room_only"),
            lambda: (f"{room}房", {"room": room}, "h_fang"),
            lambda: (f"{b}栋{room}房", {"building": bs, "room": room}, "h_fang"),
            lambda: (f"{b}-{room}", {"building": bs, "room": room}, "h_dash2"),
            lambda: (f"{b}-{room}室", {"building": bs, "room": room}, "h_dash2"),
            lambda: (f"{b}栋{u}单元", {"building": bs, "unit": str(u)}, "h_no_room"),
            lambda: (f"{b}幢", {"building": bs}, "h_building_only"),
            lambda: (f"第{b}幢{u}单元{room}室", {"building": bs, "unit": str(u), "room": room}, "h_di"),
            lambda: (f"{b}号{u}单元{room}室", {"building": bs, "unit": str(u), "room": room}, "h_hao"),
            lambda: (f"{b}栋{u}单元{fl}楼{room}", {"building": bs, "unit": str(u), "room": room},
                     "h_floor_room"),
            lambda: (f"{b}幢{fl}层{room}室", {"building": bs, "room": room}, "h_floor_room"),
            lambda: (f"{b}幢{u}单元{room}", {"building": bs, "unit": str(u), "room": room}, "h_zhuang"),
            lambda: (f"{b}栋{fl}F", {"building": bs}, "h_floor_f"),
            lambda: (f"{letter}{b}栋{room}", {"building": f"{letter}{b}", "room": room}, "h_letter"),
            lambda: (f"{b}幢 {u}单元 {room}室", {"building": bs, "unit": str(u), "room": room},
                     "h_spaced"),
            lambda: (f"{b}幢{u}单元{room}号", {"building": bs, "unit": str(u), "room": room}, "h_room_hao"),
            lambda: (f"{b}栋{cn_small(u)}单元{room}", {"building": bs, "unit": str(u), "room": room},
                     "h_cn"),
            lambda: (f"{b}幢{u}-{room}", {"building": bs, "unit": str(u), "room": room}, "h_unit_dash"),
        ]
        text, labels, cls = r.choice(forms)()
        return self.digits(text), labels, cls

    # --- divisions ----------------------------------------------------------------------------
    def name(self, d: Division, classes: list[str]) -> str:
        """One division as written: full, short, old, mistyped, Traditional or pinyin."""
        r = self.rng
        p = r.random()
        if d.level == "community":
            return self.community(d, classes)
        if self.w.old.get(d.code) and p < 0.35:
            classes.append(f"old_{d.level}")
            return r.choice(self.w.old[d.code])
        if d.name in TYPOS and p < 0.5:
            classes.append("typo")
            return TYPOS[d.name]
        short = short_name(d.name)
        if d.level in ("province", "city"):
            m = re.match(r"(内蒙古|西藏|新疆|广西|宁夏)", d.name)
            if m and p < 0.7:
                classes.append(f"short_{d.level}")
                return m.group()
            m = re.match(rf"(.{{2,4}}?)(?:{ETHNIC})+自治州$", d.name)
            if m and p < 0.6:
                classes.append("short_autonomous")
                return m.group(1) + ("州" if p < 0.3 else "")
            if p < 0.45 and len(short) >= 2:
                classes.append(f"short_{d.level}")
                return short
        if d.level == "district" and p < 0.3 and len(short) >= 2 and not d.name.endswith(
                ("自治县", "自治旗")):
            classes.append("short_district")
            return short
        if d.level == "street" and p < 0.25 and len(short) >= 2 and "族" not in short:
            classes.append("short_street")
            return short
        return d.name

    def community(self, d: Division, classes: list[str]) -> str:
        """A village or community as written: 周庄村, 周庄村委会, 劳动路社区, 劳动路居委会."""
        r = self.rng
        base = re.sub(r"(社区居民委员会|社区居委会|居民委员会|村民委员会|村委会|居委会)$", "", d.name)
        if base.endswith("村"):
            classes.append("village")
            return r.choice((base, base, base, base + "委会", base + "村委", base + "民委员会"))
        if base.endswith("社区"):
            return r.choice((base, base, base, base + "居委会"))
        kind = "社区" if d.name.endswith(("居委会", "居民委员会")) else "村"
        if kind == "村":
            classes.append("village")
        return r.choice((base + kind, base + kind, base + ("居委会" if kind == "社区" else "村委会")))

    def divisions(self, leaf: Division, deepest: str, habit: str
                  ) -> tuple[list[str], set[str], list[str]]:
        """The written division parts down to `deepest`, which levels they write, and classes."""
        r = self.rng
        classes: list[str] = []
        parts: list[str] = []
        written: set[str] = set()
        zj = leaf.code.startswith("33")
        skip = {"province": 0.55 if zj else 0.2, "city": 0.12, "district": 0.04, "street": 0.2}
        if habit == "register":
            skip = {"province": 0.1, "city": 0.05, "district": 0.0, "street": 0.0}
        elif habit == "courier":
            skip = {"province": 0.25, "city": 0.05, "district": 0.02, "street": 0.3}
        elif habit == "shop":
            skip = {"province": 0.85, "city": 0.35, "district": 0.1, "street": 0.4}
        for d in self.w.chain(leaf.code):
            if LEVELS.index(d.level) > LEVELS.index(deepest):
                break
            if d.name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            if d.level != deepest and r.random() < skip.get(d.level, 0.0):
                classes.append(f"no_{d.level}")
                continue
            parts.append(self.name(d, classes))
            written.add(d.level)
        if r.random() < 0.04 and len(parts) >= 2:
            i = r.randrange(len(parts) - 1)
            parts.insert(i + 1, parts[i])
            classes.append("duplicated")
        elif r.random() < 0.03 and len(parts) >= 3:
            parts = parts[:2] + parts
            classes.append("duplicated")
        return parts, written, classes

    def join(self, parts: list[str], classes: list[str]) -> str:
        r = self.rng
        p = r.random()
        if p < 0.12:
            classes.append("spaced")
            return " ".join(parts)
        if p < 0.17:
            classes.append("dashed")
            return r.choice(("-", "—", " - ", "/", "，", ",")).join(parts)
        if p < 0.20 and len(parts) >= 3:
            classes.append("spaced")
            return " ".join(parts[:3]) + " " + "".join(parts[3:])
        return "".join(parts)

    # --- habits -------------------------------------------------------------------------------
    def leaf(self) -> Division:
        r = self.rng
        if r.random() < 0.16:
            pool = self.w.special_streets if r.random() < 0.5 else self.w.other_streets
            return r.choice(pool)
        if r.random() < 0.08:
            zj_old = [d for d in self.w.old_streets if d.code.startswith("33")]
            return r.choice(zj_old)
        city = r.choices(list(ZJ_WEIGHTS), weights=list(ZJ_WEIGHTS.values()))[0]
        return r.choice(self.w.zj_by_city[city])

    def row(self) -> dict[str, str] | None:
        r = self.rng
        leaf = self.leaf()
        habit = r.choices(("home", "courier", "shop", "register", "enterprise", "rural", "short"),
                          weights=(24, 22, 12, 10, 12, 12, 8))[0]
        has_community = leaf.level == "community"
        village = has_community and re.search(r"村(村委会|村民委员会|民委员会|委会)?$", leaf.name) is not None
        if habit in ("register", "rural") and not village:
            habit = "home"
        deepest = {"register": "community", "rural": "community"}.get(habit)
        if deepest is None:
            deepest = r.choices(("community", "street", "district"), weights=(25, 55, 20))[0]
        if deepest == "community" and not has_community:
            deepest = "street"
        parts, written, classes = self.divisions(leaf, deepest, habit)
        labels = self.w.labels(leaf.code, written)
        if labels is None:
            return None
        classes.insert(0, "zj" if leaf.code.startswith("33") else "other_province")
        classes.insert(1, habit)
        house: dict[str, str] = {}
        text = getattr(self, f"_{habit}")(parts, classes, house)
        if r.random() < 0.03 and labels.get("city") and labels["city"] in PINYIN and parts:
            text = self._pinyin(text, labels, classes)
        if r.random() < 0.04:
            text = text.translate(TRADITIONAL)
            classes.append("traditional")
        if r.random() < 0.05:
            text = text.translate(FULLWIDTH)
            classes.append("fullwidth")
        out = {"address": text, "classes": " ".join(dict.fromkeys(classes))}
        out.update({lv: labels.get(lv, "") for lv in LEVELS})
        out.update({lv: house.get(lv, "") for lv in HOUSE_LEVELS})
        return out

    def _pinyin(self, text: str, labels: dict[str, str], classes: list[str]) -> str:
        for name in (labels.get("province", ""), labels.get("city", ""), labels.get("district", "")):
            if name in PINYIN and name in text:
                text = text.replace(name, PINYIN[name] + " ")
                classes.append("pinyin")
        return text

    def _tail(self, classes: list[str], house: dict[str, str]) -> str:
        """Road, estate and house after the divisions."""
        r = self.rng
        p = r.random()
        if p < 0.45:
            h, labels, cls = self.house()
            house.update(labels)
            classes.append(cls)
            road = (self.road() + self.door()) if r.random() < 0.3 else ""
            return road + self.estate() + r.choice(("", "", "", " ")) + h
        if p < 0.6:
            classes.append("road_door")
            return self.road() + self.digits(self.door())
        if p < 0.72:
            fl = r.randint(2, 30)
            room = f"{fl}{r.randint(1, 20):02d}"
            classes.append("tower")
            tower = r.choice(ESTATE_HEADS[:20]) + r.choice(TOWERS)
            form = r.choice((f"{room}室", f"{room}", f"{fl}楼{room}", f"{fl}F", f"{fl}层{room}室"))
            if not form.endswith("F"):
                house["room"] = room
            return self.road() + self.door() + tower + self.digits(form)
        if p < 0.8:
            classes.append("estate_only")
            return self.estate()
        if p < 0.9:
            classes.append("basement")
            return self.estate() + r.choice(("地下室", "B1层", "负一楼", "-1层", "地下车库", "B2", "车库"))
        h, labels, cls = self.house()
        house.update(labels)
        classes.append(cls)
        classes.append("estate_dropped")
        return self.road() + self.door() + h if r.random() < 0.3 else self.estate() + h

    def _home(self, parts: list[str], classes: list[str], house: dict[str, str]) -> str:
        r = self.rng
        text = self.join(parts, classes) + r.choice(("", "", "", " ")) + self._tail(classes, house)
        if r.random() < 0.2:
            text = r.choice(LEADS) + text
            classes.append("lead")
        return text

    def _courier(self, parts: list[str], classes: list[str], house: dict[str, str]) -> str:
        r = self.rng
        addr = self.join(parts, classes) + r.choice(("", " ")) + self._tail(classes, house)
        who, tel = self.person(), self.phone()
        forms = (f"{who} {tel} {addr}", f"{addr} {who} {tel}", f"收件人：{who} 电话：{tel} 地址：{addr}",
                 f"{who}，{tel}，{addr}", f"{addr}（{who}收）", f"{who}{tel}{addr}",
                 f"{addr} {who}收 {tel}", f"{tel} {who} {addr}",
                 f"收货人:{who},手机号码:{tel},所在地区:{addr}")
        classes.append("recipient")
        return r.choice(forms)

    def _shop(self, parts: list[str], classes: list[str], house: dict[str, str]) -> str:
        r = self.rng
        base = self.join(parts, classes) + self.road() + self.digits(self.door())
        p = r.random()
        shop = r.choice(SURNAMES) + r.choice(("记", "氏", "家", "师傅")) + r.choice(SHOPS)
        if p < 0.25:
            return base + r.choice(("门面", "店面", "一楼门面", "商铺", "底商", "临街店面"))
        if p < 0.4:
            n = r.randint(1, 60)
            return base + r.choice((f"{n}号商铺", f"{n}号门面", f"商铺{n}号", f"{n}号店"))
        if p < 0.6:
            return base + r.choice(LANDMARKS) + r.choice(("对面", "旁边", "隔壁", "斜对面", "后面", "附近"))
        if p < 0.8:
            return base + shop + r.choice(("", "（放门口）", " 放店里", "楼下", "旁"))
        h, labels, cls = self.house()
        house.update(labels)
        classes.append(cls)
        return self.join(parts, classes) + self.estate() + h + r.choice(("楼下快递柜", "楼下", "（放门卫）"))

    def _register(self, parts: list[str], classes: list[str], house: dict[str, str]) -> str:
        r = self.rng
        group = r.choice((f"{r.randint(1, 15)}组", f"{cn_small(r.randint(1, 15))}组",
                          f"{r.randint(1, 12)}队", f"第{cn_small(r.randint(1, 12))}村民小组", ""))
        n = r.randint(1, 199)
        lead = r.choice(("", "", "户籍地址：", "户口所在地：", "籍贯 ", "出生地："))
        door = r.choice((f"{n}号", f"{n}号", f"{cn_small(n % 99 + 1)}号"))
        return lead + self.join(parts, classes) + group + door

    def _enterprise(self, parts: list[str], classes: list[str], house: dict[str, str]) -> str:
        r = self.rng
        text = self.join(parts, classes) + self.road() + self.door()
        b, fl = r.randint(1, 20), r.randint(1, 25)
        room = f"{fl}{r.randint(1, 30):02d}"
        p = r.random()
        if p < 0.3:
            text += f"{b}幢{fl}层{room}室"
            house.update(building=str(b), room=room)
        elif p < 0.45:
            text += f"{b}幢{room}室"
            house.update(building=str(b), room=room)
        elif p < 0.6:
            text += r.choice((f"{fl}层", f"{fl}楼", f"第{fl}层"))
            classes.append("floor_only")
        elif p < 0.72:
            text += f"{room}室"
            house["room"] = room
        elif p < 0.85:
            text += r.choice(("（自编号", "(自编")) + f"{b}号）"
            classes.append("self_numbered")
        else:
            text += f"{b}号楼" + r.choice(("一层", "二层", "三层", "1-2层", "全幢"))
            house["building"] = str(b)
        classes.append("registration")
        return r.choice(("", "", "", "住所：", "注册地址：", "经营场所：")) + text

    def _rural(self, parts: list[str], classes: list[str], house: dict[str, str]) -> str:
        r = self.rng
        natural = r.choice(SURNAMES) + r.choice(NATURAL_TAIL) if r.random() < 0.6 else \
            r.choice(NATURAL) + r.choice(SURNAMES)
        n = r.randint(1, 120)
        tails = (f"{natural}自然村{n}号", f"{natural}自然村", f"{r.randint(1, 12)}组{n}号",
                 f"村口{r.choice(LANDMARKS[:6])}旁", "村口", f"{natural}{n}号", f"{n}号",
                 f"{natural}自然村村口", f"老屋{n}号")
        return self.join(parts, classes) + r.choice(tails)

    def _short(self, parts: list[str], classes: list[str], house: dict[str, str]) -> str:
        r = self.rng
        return self.join(parts, classes) + r.choice(("", "", self.estate(), self.road()))


# rows typed one by one: the classes of writing the generator has no habit for
HAND: list[tuple[str, str, tuple[str, ...], tuple[str, str, str]]] = [
    # (address, classes, (province, city, district, street, community), (building, unit, room))
    ("No.8 Wener Road, Xihu District, Hangzhou, Zhejiang", "english",
     ("浙江省", "杭州市", "西湖区"), ("", "", "")),
    ("Room 1203, Building 5, 文新街道 Hangzhou", "english", ("浙江省", "杭州市", "西湖区", "文新街道"),
     ("5", "", "1203")),
    ("浙江省杭州市西湖區文新街道沁雅社區3幢2單元501室", "traditional",
     ("浙江省", "杭州市", "西湖区", "文新街道", "沁雅社区"), ("3", "2", "501")),
    ("杭州市江干区笕桥街道 黄家村", "old_district village",
     ("浙江省", "杭州市", "上城区", "笕桥街道", "黄家社区"),
     ("", "", "")),
    ("杭州江干区九堡街道东方红时代广场B座1208", "old_district tower",
     ("浙江省", "杭州市", "上城区", "九堡街道"), ("B", "", "1208")),
    ("杭州市下城区朝晖街道", "old_district", ("浙江省", "杭州市", "拱墅区", "朝晖街道"), ("", "", "")),
    ("杭州市江干区下沙街道", "old_district zone", ("浙江省", "杭州市", "钱塘区", "下沙街道"), ("", "", "")),
    ("浙江杭州经济技术开发区白杨街道", "zone", ("浙江省", "杭州市", "钱塘区", "白杨街道"), ("", "", "")),
    ("杭州余杭区良渚街道良港村委会", "village", ("浙江省", "杭州市", "余杭区", "良渚街道", "良港村委会"),
     ("", "", "")),
    ("杭州市余杭区良渚镇", "old_street", ("浙江省", "杭州市", "余杭区", "良渚街道"), ("", "", "")),
    ("萧山新街镇元沙村7组", "old_street village", ("浙江省", "杭州市", "萧山区", "新街街道", "元沙村委会"),
     ("", "", "")),
    ("萧山瓜沥镇群力村村口小卖部", "village rural", ("浙江省", "杭州市", "萧山区", "瓜沥镇", "群力村委会"),
     ("", "", "")),
    ("浙江省苍南县龙港镇", "old_district", ("浙江省", "温州市", "龙港市"), ("", "", "")),
    ("温州乐清柳市镇柳南村", "village", ("浙江省", "温州市", "乐清市", "柳市镇", "柳南村委会"), ("", "", "")),
    ("浙江省宁波市象山县石浦镇东门渔村", "village", ("浙江省", "宁波市", "象山县", "石浦镇", "东门渔村委会"),
     ("", "", "")),
    ("宁波海曙古林镇蜃蛟村", "village", ("浙江省", "宁波市", "海曙区", "古林镇", "蜃蛟村村委会"),
     ("", "", "")),
    ("宁波市江东区福明街道", "old_district", ("浙江省", "宁波市", "鄞州区", "福明街道"), ("", "", "")),
    ("宁波市鄞县钟公庙", "old_district short_street", ("浙江省", "宁波市", "鄞州区", "钟公庙街道"),
     ("", "", "")),
    ("奉化市锦屏街道", "old_district", ("浙江省", "宁波市", "奉化区", "锦屏街道"), ("", "", "")),
    ("义乌市稠城街道银苑社区居委会", "community",
     ("浙江省", "金华市", "义乌市", "稠城街道", "银苑社区居委会"),
     ("", "", "")),
    ("义乌稠城雪峰社区10栋1单元", "community", ("浙江省", "金华市", "义乌市", "稠城街道", "雪峰社区居委会"),
     ("10", "1", "")),
    ("东阳横店镇八一村", "village", ("浙江省", "金华市", "东阳市", "横店镇", "八一村委会"), ("", "", "")),
    ("桐乡乌镇董家村", "village", ("浙江省", "嘉兴市", "桐乡市", "乌镇镇", "董家村村委会"), ("", "", "")),
    ("绍兴县柯桥街道", "old_district", ("浙江省", "绍兴市", "柯桥区", "柯桥街道"), ("", "", "")),
    ("上虞市百官街道", "old_district", ("浙江省", "绍兴市", "上虞区", "百官街道"), ("", "", "")),
    ("衢县上方镇", "old_district", ("浙江省", "衢州市", "衢江区", "上方镇"), ("", "", "")),
    ("临安市锦城街道", "old_district", ("浙江省", "杭州市", "临安区", "锦城街道"), ("", "", "")),
    ("富阳市富春街道", "old_district", ("浙江省", "杭州市", "富阳区", "富春街道"), ("", "", "")),
    ("洞头县北岙街道", "old_district", ("浙江省", "温州市", "洞头区", "北岙街道"), ("", "", "")),
    ("余杭临平街道", "old_district", ("浙江省", "杭州市", "临平区", "临平街道"), ("", "", "")),
    ("浙江台州椒江区 海门街道 ", "spaced", ("浙江省", "台州市", "椒江区", "海门街道"), ("", "", "")),
    ("舟山市定海区 环南街道", "spaced", ("浙江省", "舟山市", "定海区", "环南街道"), ("", "", "")),
    ("丽水市景宁县鹤溪街道", "short_district", ("浙江省", "丽水市", "景宁畲族自治县", "鹤溪街道"),
     ("", "", "")),
    ("景宁畲族自治县红星街道", "autonomous", ("浙江省", "丽水市", "景宁畲族自治县", "红星街道"),
     ("", "", "")),
    ("浙江省浙江省杭州市杭州市滨江区长河街道", "duplicated", ("浙江省", "杭州市", "滨江区", "长河街道"),
     ("", "", "")),
    ("杭州市滨江区滨江区西兴街道", "duplicated", ("浙江省", "杭州市", "滨江区", "西兴街道"), ("", "", "")),
    ("湖州市吴兴区吴兴区", "duplicated", ("浙江省", "湖州市", "吴兴区"), ("", "", "")),
    ("浙江 嘉兴 嘉善 西塘镇", "spaced", ("浙江省", "嘉兴市", "嘉善县", "西塘镇"), ("", "", "")),
    ("湖州德清莫干山镇", "short_district", ("浙江省", "湖州市", "德清县", "莫干山镇"), ("", "", "")),
    ("淳安千岛湖镇", "short_district", ("浙江省", "杭州市", "淳安县", "千岛湖镇"), ("", "", "")),
    ("海宁盐官镇", "short_district", ("浙江省", "嘉兴市", "海宁市", "盐官镇"), ("", "", "")),
    ("瑞安塘下镇", "short_district", ("浙江省", "温州市", "瑞安市", "塘下镇"), ("", "", "")),
    ("金华市婺城区 ３幢２单元５０２", "fullwidth", ("浙江省", "金华市", "婺城区"), ("3", "2", "502")),
    ("杭州市西湖区三墩镇", "street_town", ("浙江省", "杭州市", "西湖区", "三墩镇"), ("", "", "")),
    ("上海市浦东新区张江镇", "municipality", ("上海市", "市辖区", "浦东新区", "张江镇"), ("", "", "")),
    ("上海浦东张江高科技园区碧波路690号", "municipality zone", ("上海市", "市辖区", "浦东新区"),
     ("", "", "")),
    ("上海市闸北区", "old_district municipality", ("上海市", "市辖区", "静安区"), ("", "", "")),
    ("上海市南汇区惠南镇", "old_district municipality", ("上海市", "市辖区", "浦东新区", "惠南镇"),
     ("", "", "")),
    ("北京市崇文区", "old_district municipality", ("北京市", "市辖区", "东城区"), ("", "", "")),
    ("北京朝阳区望京街道", "municipality", ("北京市", "市辖区", "朝阳区", "望京街道"), ("", "", "")),
    ("天津市塘沽区", "old_district municipality", ("天津市", "市辖区", "滨海新区"), ("", "", "")),
    ("天津滨海新区", "municipality", ("天津市", "市辖区", "滨海新区"), ("", "", "")),
    ("重庆市渝北区", "municipality", ("重庆市", "市辖区", "渝北区"), ("", "", "")),
    ("重庆市石柱县", "municipality autonomous", ("重庆市", "县", "石柱土家族自治县"), ("", "", "")),
    ("吉林省延边州延吉市", "autonomous", ("吉林省", "延边朝鲜族自治州", "延吉市"), ("", "", "")),
    ("湖北恩施州恩施市", "autonomous", ("湖北省", "恩施土家族苗族自治州", "恩施市"), ("", "", "")),
    ("四川省甘孜州康定市", "autonomous", ("四川省", "甘孜藏族自治州", "康定市"), ("", "", "")),
    ("内蒙古锡林郭勒盟锡林浩特市", "league", ("内蒙古自治区", "锡林郭勒盟", "锡林浩特市"), ("", "", "")),
    ("内蒙古兴安盟乌兰浩特市", "league", ("内蒙古自治区", "兴安盟", "乌兰浩特市"), ("", "", "")),
    ("新疆喀什地区喀什市", "prefecture", ("新疆维吾尔自治区", "喀什地区", "喀什市"), ("", "", "")),
    ("新疆和田地区和田市", "prefecture", ("新疆维吾尔自治区", "和田地区", "和田市"), ("", "", "")),
    ("西藏阿里地区噶尔县", "prefecture", ("西藏自治区", "阿里地区", "噶尔县"), ("", "", "")),
    ("湖北省仙桃市", "county_city", ("湖北省", "省直辖县级行政区划", "仙桃市"), ("", "", "")),
    ("湖北神农架林区", "forest", ("湖北省", "省直辖县级行政区划", "神农架林区"), ("", "", "")),
    ("河南济源市", "county_city", ("河南省", "省直辖县级行政区划", "济源市"), ("", "", "")),
    ("广东省东莞市", "no_district", ("广东省", "东莞市"), ("", "", "")),
    ("广东中山市", "no_district", ("广东省", "中山市"), ("", "", "")),
    ("江苏苏州昆山市花桥镇", "county_city", ("江苏省", "苏州市", "昆山市", "花桥镇"), ("", "", "")),
    ("江苏省苏州市吴江市", "old_district", ("江苏省", "苏州市", "吴江区"), ("", "", "")),
    ("广州市从化市", "old_district", ("广东省", "广州市", "从化区"), ("", "", "")),
    ("广西南宁市青秀区", "short_province", ("广西壮族自治区", "南宁市", "青秀区"), ("", "", "")),
    ("宁夏银川市金凤区", "short_province", ("宁夏回族自治区", "银川市", "金凤区"), ("", "", "")),
    ("sichuan chengdu 四川省成都市武侯区", "pinyin", ("四川省", "成都市", "武侯区"), ("", "", "")),
    ("江西省南昌市南昌县", "county", ("江西省", "南昌市", "南昌县"), ("", "", "")),
    ("甘肃兰州新区", "new_area", ("甘肃省", "兰州市", "兰州新区"), ("", "", "")),
    ("海南省儋州市", "no_district", ("海南省", "儋州市"), ("", "", "")),
    ("收件人：张伟 13812345678 浙江省 杭州市 西湖区 文新街道 府新社区12-3-402", "recipient",
     ("浙江省", "杭州市", "西湖区", "文新街道", "府新社区"), ("12", "3", "402")),
    ("王女士，15988887777，宁波市鄞州区首南街道 5#2-1103", "recipient",
     ("浙江省", "宁波市", "鄞州区", "首南街道"), ("5", "2", "1103")),
    ("杭州市西湖区文新街道 13F", "floor", ("浙江省", "杭州市", "西湖区", "文新街道"), ("", "", "")),
    ("杭州市西湖区文新街道 负一楼", "basement", ("浙江省", "杭州市", "西湖区", "文新街道"), ("", "", "")),
    ("杭州市西湖区文新街道B1层", "basement", ("浙江省", "杭州市", "西湖区", "文新街道"), ("", "", "")),
    ("浙江省金华市义乌市稠城街道一号楼", "cn_building", ("浙江省", "金华市", "义乌市", "稠城街道"),
     ("1", "", "")),
    ("浙江省金华市义乌市北苑街道A座1201", "letter", ("浙江省", "金华市", "义乌市", "北苑街道"),
     ("A", "", "1201")),
    ("嘉兴市南湖区 1201房", "fang", ("浙江省", "嘉兴市", "南湖区"), ("", "", "1201")),
    ("台州市路桥区 301室", "room_only", ("浙江省", "台州市", "路桥区"), ("", "", "301")),
    ("绍兴市越城区1栋2单元301", "dong", ("浙江省", "绍兴市", "越城区"), ("1", "2", "301")),
    ("绍兴市越城区1-2-301", "dash3", ("浙江省", "绍兴市", "越城区"), ("1", "2", "301")),
    ("绍兴市越城区1#2-301", "hash", ("浙江省", "绍兴市", "越城区"), ("1", "2", "301")),
    ("湖州市南浔区南浔镇", "street_town", ("浙江省", "湖州市", "南浔区", "南浔镇"), ("", "", "")),
    ("Hangzhou Binjiang 长河街道", "pinyin", ("浙江省", "杭州市", "滨江区", "长河街道"), ("", "", "")),
    ("ZheJiang NingBo 北仑区", "pinyin", ("浙江省", "宁波市", "北仑区"), ("", "", "")),
]


def hand_rows() -> list[dict[str, str]]:
    out = []
    for address, classes, divs, house in HAND:
        row = {"address": address, "classes": "hand " + classes}
        row.update(dict(zip(LEVELS, (*divs, "", "", "", "", ""), strict=False)))
        row.update(dict(zip(HOUSE_LEVELS, house, strict=True)))
        out.append(row)
    return out


def write(n: int = ROWS, seed: int = SEED) -> None:
    rng = random.Random(seed)
    writer = Writer(World(), rng)
    rows: dict[str, dict[str, str]] = {r["address"]: r for r in hand_rows()}
    for text in NOT_ADDRESSES:
        rows.setdefault(text, {"address": text, "classes": "not_address",
                               **{c: "" for c in COLUMNS[2:]}})
    while len(rows) < n:
        row = writer.row()
        if row is not None:
            rows.setdefault(row["address"], row)
    order = list(rows.values())
    rng.shuffle(order)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(order)
    print(f"wrote {len(order)} addresses to {OUT}")


if __name__ == "__main__":
    write()
