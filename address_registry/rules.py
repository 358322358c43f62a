"""The rules both address matchers share, declared once: the word lists the parser and the
normalizer read, the confidence of each way a match is found, code widths, the match-level and
"how" vocabularies, the output columns, and the interface of the native matcher (the registry
members Python copies in, the per-row columns C writes out, the order of a parse's spans).

The Python reference (normalize.py, parse.py, matcher.py, codes.py) imports these values; the C
matcher reads them from `rules_gen.h`, which `rules_c.py` renders from this module and
`native_build.py` writes next to the sources it compiles. Changing a value here changes both
engines. This module imports nothing of the package: everything else builds on it."""

from __future__ import annotations

from dataclasses import dataclass

from address_registry.pinyin_table import NAMES as PINYIN_NAMES
from contracts.schema import ADDRESS_COLUMNS
from divisions.reference import CODE_LENGTH, LEVELS

# ---- text -------------------------------------------------------------------------------------
MAX_CHARS = 200  # longer input is truncated (and says so in a parse's notes): real addresses are shorter
MAX_INPUT = MAX_CHARS * 2  # code points read before normalization; longer input is cut to this
DEFAULT_PREFER = "3301"  # the registry covers Hangzhou; ambiguous division names prefer it
SEPARATOR = "\x1f"  # joins the parts of a registry key (road + number, unit + room)

# ---- normalization (normalize.py, csrc/normalize.c) -------------------------------------------
# Chinese numerals and their values; 十百千 are the units of a written-out number.
NUMERALS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
            "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "百": 100, "千": 1000}
ORDINAL = "第"  # 第三幢: the ordinal prefix goes with the numeral it precedes
# A numeral run becomes digits only right before one of these (三墩镇, 九堡 stay as they are).
NUMERAL_MARKERS = ("号楼", "幢", "栋", "座", "单元", "层", "楼", "室", "号", "组")
BUILDING = "幢"  # what every building marker is written as after normalization
# After a letter or digit these mean a building: 3栋, A座, 5号楼, 2号幢 -> 3幢 ...
BUILDING_SYNONYMS = ("号楼", "栋", "座", "号幢")
# After a digit these mean a room: 1201房, 302房间 -> 1201室, 302室.
ROOM_SYNONYMS = ("房间", "房")
# After a unit, a number of ROOM_BELOW_DIGITS digits and 号楼下 is a room and a parcel spot, not a
# building (5单元2701号楼下快递柜: room 2701): 号 -> 室 there.
ROOM_BELOW_AFTER, ROOM_BELOW, ROOM_BELOW_DIGITS = ("单元",), ("号楼下",), (3, 5)
HASH = "#"  # 3# and 3#楼 are building 3; any other # goes
HASH_FLOOR = "楼"
# What an export writes for an empty part (浙江省null杭州市): deleted where no letter touches it.
BLANK_WORDS = ("UNDEFINED", "NULL", "NONE", "NAN")
# A province or Zhejiang city written in pinyin (ZHEJIANG HANGZHOU, Ningbo City): a run of Latin
# letters that is nothing but these words (the longest first at each place), one of them a name,
# becomes their names (浙江杭州, 宁波市); any other run stays as it is. TAIZHOU is Zhejiang's 台州
# (Jiangsu's 泰州 is spelt the same: the preferred province's, as for an ambiguous name).
PINYIN = {
    "BEIJING": "北京", "TIANJIN": "天津", "HEBEI": "河北", "SHANXI": "山西", "NEIMENGGU": "内蒙古",
    "LIAONING": "辽宁", "JILIN": "吉林", "HEILONGJIANG": "黑龙江", "SHANGHAI": "上海",
    "JIANGSU": "江苏", "ZHEJIANG": "浙江", "ANHUI": "安徽", "FUJIAN": "福建", "JIANGXI": "江西",
    "SHANDONG": "山东", "HENAN": "河南", "HUBEI": "湖北", "HUNAN": "湖南", "GUANGDONG": "广东",
    "GUANGXI": "广西", "HAINAN": "海南", "CHONGQING": "重庆", "SICHUAN": "四川", "GUIZHOU": "贵州",
    "YUNNAN": "云南", "XIZANG": "西藏", "SHAANXI": "陕西", "GANSU": "甘肃", "QINGHAI": "青海",
    "NINGXIA": "宁夏", "XINJIANG": "新疆",
    "HANGZHOU": "杭州", "NINGBO": "宁波", "WENZHOU": "温州", "JIAXING": "嘉兴", "HUZHOU": "湖州",
    "SHAOXING": "绍兴", "JINHUA": "金华", "QUZHOU": "衢州", "ZHOUSHAN": "舟山", "TAIZHOU": "台州",
    "LISHUI": "丽水",
    "PROVINCE": "省", "SHENG": "省", "CITY": "市", "SHI": "市", "DISTRICT": "区", "COUNTY": "县",
    "QU": "区"}
# ... and any other province, city or district in pinyin (pinyin_table.py, generated from the
# division reference: XIAOSHAN 萧山, WUCHENG 婺城 and 武城), in such a run, when a province or city
# it lies in is in the run too (HANGZHOU BINJIANG, SICHUAN CHENGDU) or a kind word follows it
# (XIAOSHAN DISTRICT), and only one name fits; the names of a run are then written largest first
# (XIHU DISTRICT HANGZHOU ZHEJIANG -> 浙江杭州西湖区). The entries (pinyin, name, level, code, alone):
# level 0-2 province to district, PINYIN_KIND a kind word; alone: a word of PINYIN above, read by
# itself; sorted by the first two letters (every word has two or more), then longest first, so a
# lookup walks the words of the two letters it is at.
PINYIN_KIND = 9
# An English address's room, building and door on a road (Room 1203, Building 5, No.8 Wener Road):
# ENGLISH_WORDS, not after a letter, then a number of up to ENGLISH_DIGITS (room, building, door)
# digits (and for a door, 1 to ENGLISH_ROAD_LETTERS letters and the road's word), are read as
# 1203室, 5幢, WENER路8号 and moved after the rest of the text, road, building, room in that order,
# once the rest's pinyin is read (Room 1203, Building 5, 文新街道 Hangzhou -> 文新街道杭州5幢1203室).
ENGLISH_WORDS = ("ROOM", "BUILDING", "NO", "ROAD")
ENGLISH_DIGITS, ENGLISH_ROAD_LETTERS = (5, 4, 5), 20
ENGLISH_ROAD = "路"


def _pinyin_entries() -> tuple[tuple[str, str, int, str, bool], ...]:
    coded: dict[str, tuple[int, str]] = {}
    for _, n, level, code in sorted(PINYIN_NAMES, key=lambda e: e[2]):
        if level == 0 or (level == 1 and code.startswith("33")):  # SHAANXI: 陕西, spelt SHANXI
            coded.setdefault(n, (level, code))
    rows = [(w, n, *coded.get(n, (PINYIN_KIND, "")), True) for w, n in PINYIN.items()]
    rows += [(w, n, level, code, False) for w, n, level, code in PINYIN_NAMES if w not in PINYIN]
    return tuple(sorted(rows, key=lambda e: (e[0][:2], -len(e[0]), e[0], e[2], e[3])))


PINYIN_ENTRIES = _pinyin_entries()
# A dash is kept only between two letters or digits (13-11-1413); elsewhere it separates parts
# (浙江省-金华市-义乌市) and goes.
DASH = "-"
# Between a letter and a digit this joins a building's letter and number: A一11幢 -> A11幢.
LETTER_JOIN = "一"
# N号 right before a unit, room or a floor of up to DOOR_FLOOR_DIGITS digits (金都花园7号3单元301,
# 象山艺术公社22号3楼), or before a bare room number of DOOR_ROOM_DIGITS digits that ends the text
# (安吉公寓3号301), is building N, unless it follows one of these (文三路12号3单元: a door number;
# 3组15号: a rural door number; 育才路328-7号3单元, 148号附5号18楼, 甲87号2楼: a door's
# sub-number or a door of its own).
DOOR_AFTER = "路街巷弄道组-附甲乙"
DOOR_ROOM_DIGITS = (3, 4)
DOOR_FLOOR_DIGITS = 2
# A telephone number written with the address goes: a mobile number (MOBILE_LEAD, one of
# MOBILE_SECOND, then digits to MOBILE_DIGITS; or its first MOBILE_HEAD digits and two groups of
# MOBILE_GROUP joined by dashes, 138-1234-5678; or masked, 138****5678, which is MOBILE_MASKED
# digits once the stars are gone as punctuation), after one of COUNTRY_CODES (and a dash) or not
# (+86 13812345678, +86-13812345678), or a landline (LANDLINE_LEAD and an area code of
# LANDLINE_AREA digits in all, a dash, a number of LANDLINE_NUMBER digits), not touching another
# letter, digit or dash (张伟13805712233杭州市..., 王女士 139-0571-2233 宁波市..., ...88号电话0574-87301234).
MOBILE_LEAD, MOBILE_SECOND, MOBILE_DIGITS = "1", "3456789", 11
MOBILE_HEAD, MOBILE_GROUP, MOBILE_MASKED = 3, 4, 7
COUNTRY_CODES = ("86",)
LANDLINE_LEAD, LANDLINE_AREA, LANDLINE_NUMBER = "0", (3, 4), (7, 8)
# Who a parcel is for, written after the address (5幢1单元1201王女士收, 1506转财务部): right after a
# digit, a letter or one of RECIPIENT_AFTER, FORWARD and FORWARD_CHARS characters, or
# RECIPIENT_CHARS characters and one of RECIPIENT_ENDS, ending the text go.
FORWARD, FORWARD_CHARS = "转", (2, 8)
RECIPIENT_CHARS = (1, 4)
RECIPIENT_ENDS = ("先生", "女士", "小姐", "师傅", "老师", "收")
RECIPIENT_AFTER = "号室幢层楼元房"
# A telephone number ending the text takes the name written right before it (1606室徐静13098566234,
# 26-6-1203马超17181814267) when NAMED_PHONE_CHARS characters, none of RECIPIENT_AFTER, stand
# between it and a digit, a letter or one of RECIPIENT_AFTER.
NAMED_PHONE_CHARS = (1, 5)
# A remark in brackets (1103室(近商城北路口), 201（快递柜）) goes with its text when it follows a digit
# or one of the markers REMARK_AFTER (spaces and punctuation between allowed) or ends the text;
# other brackets go alone and keep their text (绍兴嵊州市（黄泽镇）, 乾元（直街社区）). The brackets
# as NFKC writes them.
REMARK_OPEN, REMARK_CLOSE = "([【", ")]】"
REMARK_AFTER = ("单元", "号", "室", "幢", "栋", "座", "层", "楼")
# A bracket naming what a place was (拱墅区(原下城区)武林街道, 钱塘区（原江干区）): REMARK_FORMER then
# FORMER_CHARS Chinese characters, the last one of FORMER_ENDS and not ending in GENERIC (原野小区 is
# an estate's name); it goes with its brackets anywhere.
REMARK_FORMER, FORMER_ENDS, FORMER_CHARS = "原", "区县市镇乡村道", (2, 8)
# Characters typed for one they look like, read as it (永康巿: 巿 is in no division's name).
LOOKALIKES = {"巿": "市"}
# Written between the parts like a dash (丽水市/龙泉市/住龙镇, 丽水市—青田县, 3/2/301): read as one.
AS_DASH = "/—–―"
# A room written digit by digit in numerals with a zero among them (六〇三, 二〇一), 3 or 4 of them
# ending the text right after one of these markers, becomes digits (7幢1单元六〇三 -> ...603).
ROOM_NUMERAL_DIGITS = (3, 4)
ROOM_NUMERAL_AFTER = ("幢", "栋", "座", "单元", "层", "楼", "号")
ZERO_NUMERALS = "零〇○"

# ---- parsing (parse.py, csrc/divisions.c, csrc/tail.c) ----------------------------------------
# Words that end an estate name and words that end a road name, in the order they are tried.
ESTATE_WORDS = ("新村", "小区", "花园", "公寓", "大厦", "广场", "家园", "苑", "园", "府", "庭", "城",
                "中心")
ROAD_END = ("大道", "大街", "路", "街", "巷", "弄")
# N号 ending the text right after one of these (an estate's word, not a tower's) is building N
# (孝顺新村15号).
HOME_WORDS = tuple(w for w in ESTATE_WORDS if w not in ("大厦", "广场", "中心"))
# What else ends an estate or POI name; a bare name without one needs other context to be one.
ESTATE_END = (*ESTATE_WORDS, "村", "区", "里", "坊", "居", "阁", "湾", "楼", "院", "寓", "邸", "墅",
              "郡", "庄", "大楼", "期")
# A short division form ending like a road (文一路 is not 文一) is never a division, except a
# street's ending with one of STREET_FORMS (府山街, indexed for 府山街道 as STREET_KIND written
# STREET_SHORT; 浆洗街 for 浆洗街街道, 花街 for 花街镇; 孙河街道 for Beijing's 孙河地区) right after its
# district and not followed by a digit (府山街12号 is a road and a door number).
ROAD_SUFFIX = "路街巷弄道"
# A road's segment after its end: a side, up to two numerals (PHASE_NUMERALS or digits), 段
# (天府大道北段1700号, 人民南路四段12号, 一环路北3段), or a side alone (南海大道北80号): part of the
# road's name.
SEGMENT_SIDES, SEGMENT = "东西南北中", "段"
STREET_KIND, STREET_SHORT = "街道", "街"
STREET_FORMS = (STREET_KIND, STREET_SHORT)
MIN_BARE_COMMUNITY = 3  # a community name this short needs a district or street before it
MAX_DIVISION_HITS = 1024  # the most divisions one name may name (城关镇 names 96)
# Words before the address (委托件, 收件地址:): when no division starts the text, the scan starts at
# the first province or city name among its first LEAD_MAX characters.
LEAD_MAX = 10
# ... or, when none does, where a city or district one character off starts that is read with its
# child (丁先生|胡州市飞英街道): tried only where one of these is its third or fourth character.
TYPO_LEAD_ENDS = "市区县"
# ... a district's full name opens the address there when at least LEAD_DISTRICT_MIN characters
# long; a shorter one (云县, 沛县) only with its own child after it (莉水市晋|云县: no lead word).
LEAD_DISTRICT_MIN = 3
# ... and when none is there either, from right after the first of ADDRESS_LABELS that starts
# among the first LABEL_MAX characters, as from the start (收件人王女士电话地址|浙江省...,
# 收货人张伟手机号码所在地区|杭州市...: a waybill's fields before the address).
ADDRESS_LABELS = ("所在地区", "地址")
LABEL_MAX = 30
# What an export writes for an empty part between two divisions (浙江省无温州市无瑞安市): skipped
# when a division under the one read follows it (无锡市, 无为市 are names: they are read first).
BLANK_PART = "无"
# A development zone or new area written between divisions (杭州经济技术开发区下沙街道, 钱塘新区前进街道,
# 天府新区华阳街道) is not a division: up to ZONE_STEM characters and one of ZONE_WORDS (longest
# first) are skipped when a division under the one read before follows them; a short form
# directly followed by a zone word (莫干山|高新区) is that division only when its own child
# follows the zone word.
ZONE_WORDS = ("高新技术产业开发区", "经济技术开发区", "高新技术开发区", "经济开发区", "产业集聚区",
              "保税港区", "工业园区", "开发区", "高新区", "集聚区", "保税区", "工业区", "新区", "港区",
              "园区")
ZONE_STEM = 6
# A division name written one character off (沚 for 址) is read under a known district or street
# when it is at least this long, ends as the name does and no other child fits.
MIN_TYPO_NAME = 3
# ... and a street's name under a known city with no district read, when at least this long (the
# city's streets are many, so a short name one character off is more often another name).
MIN_CITY_TYPO_NAME = 4
# ... and a community's (village's) only when its stem is at least this long or it is written with
# its committee's word (高杨村委会, 江南社区): a town has dozens of villages, and a natural village the
# lists do not name is one character off one of them as often as it is misspelt (江窑村 is not 江南村).
MIN_COMMUNITY_TYPO_STEM = 3
# A part that cannot be read, written again right after it (务城区务城区琅琊镇) or after the names
# read before it (浙江省余航区|浙江省余航区余杭街道: the chain written twice), is skipped for its second
# copy when that is read one character off: a part of 2 to TWICE_MAX characters.
TWICE_MAX = 8
# ... and a province's city or a city's district with no child after it, when the character off
# sounds like the name's (a pinyin input method's typo: 纯安县 for 淳安县) and only one fits:
# the readings of the Chinese characters CJK_FIRST..CJK_LAST, at most READING_SLOTS each.
CJK_FIRST, CJK_LAST, READING_SLOTS = 0x4E00, 0x9FFF, 8
# ... and only in the name's stem, not in the suffix of its kind (明北小区 is no 明北社区 misspelt):
# the suffixes, tried in this order.
KIND_SUFFIXES = ("社区居民委员会", "村村民委员会", "村民委员会", "居民委员会", "社区居委会", "街道办事处",
                 "村委会", "居委会", "委员会", "街道", "社区", "地区", "镇", "乡", "村", "区", "县", "市",
                 "旗")
# After a building, a unit of up to DASH_UNIT_DIGITS digits, a dash and a room of DASH_ROOM_DIGITS
# ending the text (室 or not) are unit and room (5幢3-502, 3#2-1201); 302-1 is a room with a
# suffix and Chongqing's 15-4 a floor-room, neither read so.
DASH_UNIT_DIGITS, DASH_ROOM_DIGITS = 2, (3, 4)
# After a building or unit, a number of NUMBERED_ROOM_DIGITS digits and 号 ending the text is the
# room (3单元601号, 12幢1503号).
NUMBERED_ROOM_DIGITS = (3, 5)
# A bare number after one of these is a room (华星大厦3039): towers are numbered by room.
TOWER_WORDS = ("写字楼", "商务楼", "大厦", "大楼", "中心", "广场", "科技园", "创意园", "产业园", "软件园")
# A door's sub-number or a lettered door (附8号, 乙21号: one of SUB_DOOR, digits, 号) right after a
# road and its number, or a road alone, is part of the door: what follows it is read as if it
# followed the road (世纪巷6号附8号桂花大厦2713: 桂花大厦, room 2713; 金城北路25号附5号17幢: building
# 17; 文三路90号附2号: no estate).
SUB_DOOR = "附甲乙丙"
# The committee written after a village or community name (南山村|村委会), in the order tried.
COMMITTEE = ("村民委员会", "村委会", "社区居民委员会", "居民委员会", "社区居委会", "居委会")
# N号 ending the text after one of HOME_WORDS stays a door when the word follows one of these: it
# names a natural village (观美村村委会新村114号, 小源村新村75号: doors 114 and 75).
VILLAGE_ENDS = ("村", *COMMITTEE)
# A community's short name (勤丰 for 勤丰社区) followed by a Chinese character starts a longer name
# (勤丰路, 南肖埠一区, 乔司农场) and is no community, unless that character starts one of these,
# which are read with it (勤丰村, 勤丰居委会); followed by a number, a letter or nothing it is one.
COMMUNITY_WORDS = ("社区居民委员会", "村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "社区",
                   "村")
# A village's words open with 村 (村, 村委会, 村民委员会); the others (社区, 居委会 ...) are a
# residents' community's. When one short name is both a village and a community of the street
# read (塘南村, 塘南社区居委会), the word after it tells which (塘南|居委会: the community).
VILLAGE_MARK = "村"
VILLAGE_NAME_ENDS = ("村", "村委会", "村民委员会")  # how a village's registry name ends
# What people append to an estate name to describe a spot in or near it (金都花园东门): a gate
# (one of GATE_SIDES + 门), a side (one of SIDES + 侧), or one of the words.
GATE_SIDES, GATE = "东西南北正大", "门"
SIDES, SIDE = "东西南北", "侧"
ESTATE_TAIL = ("地下", "停车", "车库", "内部道路", "楼道", "楼下", "门口", "对面", "附近", "沿线", "旁",
               "人行道", "绿化带")
# ... and after a room (1201室楼下快递柜, 2304门口): the room stays, the words from there on go.
# A division-like prefix the division scan could not place (北京市朝阳区|建国路) ends in one of these.
ADMIN_ENDS = "省市区县"
# The markers of the numbered levels.
DOOR, GROUP, UNIT, FLOOR_MARKS, ROOM = "号", "组", "单元", "层楼", "室"
# The fields of a parse, in order (parse.ParsedAddress; the C parse reports spans in this order).
PARSE_FIELDS = (*LEVELS, "road", "road_number", "estate", "building", "unit", "floor", "room")

# ---- estate names (build.name_key, csrc/resolve.c) --------------------------------------------
PHASE_NUMERALS = "一二三四五六七八九十"  # (and digits) + 期: a planning phase, not the name
PHASE, QUARTER_SIDES, QUARTER = "期", "东西南北", "区"  # 东区: a quarter, not the name
GENERIC = "小区"  # dropped off the end of a longer name

# ---- matching (matcher.py, csrc/resolve.c) ----------------------------------------------------
# The match_level vocabulary, shallowest first.
LEVEL_ORDER = ("none", "district", "street", "community", "road", "estate", "building", "house")
# Each way an estate name is recognised, and the confidence of a match found that way; "key" and
# "prefix" are found by name_key and by the longest known prefix.
NAME_CONFIDENCE = {"standard": 1.0, "alias": 0.97, "doorplate": 0.97, "planning": 0.95,
                   "former": 0.95, "review": 0.97, "key": 0.93, "prefix": 0.9}
HOWS = tuple(NAME_CONFIDENCE)
HOW_SLOTS = 8  # an estate name hit travels to C as estate * HOW_SLOTS + its how
DIVISION_EXACT = 0.95  # a division match, every division read from its full name
DIVISION_INEXACT = 0.85  # ... some read from a short or historic form
SCOPE_DISAGREES = 0.7  # times the name's confidence when the divisions written disagree
DOOR_BUILDING = 0.97  # a street-front or rural building found by its door plate
DOOR_ESTATE = 0.95  # the one estate at the door written, no estate name written
DOOR_ESTATE_NAMED = 0.9  # ... an estate name written that the registry does not know
DOOR_AGREES = 0.02  # added when the door written is the named estate's
SAME_ROOM = 0.97  # times the confidence when the only house with that room number is taken
DERIVED = 0.9  # times the confidence of a house code derived from a footprint-only building
FUZZY = 0.9  # times the similarity of a fuzzy estate name
ACCEPT_FUZZY = 0.8  # fuzzy estate names scoring below this go to review, never to a guess
REVIEW_FLOOR = 0.5  # below this a fuzzy candidate is not worth a reviewer's time
CLEAR_LEAD = 0.1  # a fuzzy best is taken only this far ahead of the runner-up

# ---- codes (codes.py) -------------------------------------------------------------------------
DIVISION_CODE = dict(CODE_LENGTH)  # province 2, city 4, district 6, street 9, community 12
SEGMENT_SEQUENCE, BUILDING_SEQUENCE = 3, 4  # digits of an estate's/road's and a building's number
ESTATE_CODE = DIVISION_CODE["community"] + 1 + SEGMENT_SEQUENCE  # community + kind + sequence
BUILDING_CODE = ESTATE_CODE + BUILDING_SEQUENCE
UNIT_CODE, ROOM_CODE = 2, 4  # a house code's unit and room segments
HOUSE_CODE = BUILDING_CODE + UNIT_CODE + ROOM_CODE

# ---- the output table (matcher.SCHEMA) --------------------------------------------------------
OUTPUT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("address", "string"), *((c.name, c.type) for c in ADDRESS_COLUMNS), ("reason", "string"))


# ---- the native matcher's interface (native.py, csrc/store.c, csrc/resolve.c) -----------------
@dataclass(frozen=True, slots=True)
class RowColumn:
    """One per-row output column of the C matcher: its element type ("u8", "f64" or "char"),
    how many a row (a code's width) and what a row holds before C writes it."""

    name: str
    kind: str
    width: int = 1
    fill: float = 0.0


# What C did with a row: settled it; left it to the Python path; found nothing in it and the parse
# left no notes (no division read by a historic name, one character off or out of place), so its
# reason is matcher.unrecognised of the text alone, which native.py writes.
ROW_STATUS = ("settled", "deferred", "unrecognised")
NAN = float("nan")
ROW_COLUMNS = (
    RowColumn("status", "u8"),  # an index of ROW_STATUS
    RowColumn("level", "u8"),  # an index of LEVEL_ORDER
    RowColumn("deep_len", "u8"),  # the deepest division code's length: which codes are there
    RowColumn("has_building", "u8"), RowColumn("has_house", "u8"),
    RowColumn("derived", "u8"),  # the house code was derived (matcher.derived_reason)
    RowColumn("conf", "f64"), RowColumn("lon", "f64", fill=NAN), RowColumn("lat", "f64", fill=NAN),
    RowColumn("district", "char", DIVISION_CODE["district"]),
    RowColumn("street", "char", DIVISION_CODE["street"]),
    RowColumn("community", "char", DIVISION_CODE["community"]),
    RowColumn("building", "char", BUILDING_CODE), RowColumn("house", "char", HOUSE_CODE),
)
# The registry's lookup tables (keys -> int) and multimaps (keys -> a list, copied in as a table
# and its "<name>.list_off" and "<name>.items" arrays), then its plain arrays, by the names Python
# copies them in under (csrc/core.h `registry` has a member of each name).
REGISTRY_TABLES = ("by_label", "roads", "houses", "fuzzy_scopes")
REGISTRY_MULTIMAPS = ("div_names", "div_children", "est_names", "est_keys", "fuzzy_grams", "by_door",
                      "rooms")
REGISTRY_ARRAYS = ("hit_code", "hit_key", "hit_code_len", "hit_rank", "hit_exact", "hit_historic",
                   "hit_village", "estate_code", "estate_community", "estate_lon", "estate_lat", "layout_has",
                   "layout_units_written", "layout_units", "layout_floors", "layout_rooms",
                   "building_code", "building_community", "building_lon", "building_lat",
                   "building_planned", "estate_doors_off", "estate_doors", "house_code",
                   "fuzzy_key_grams", "readings")
REGISTRY_SCALARS = ("max_name",)  # int32 values, copied in as one-element arrays
INDEX_KEY_BASE = 0x10000  # an index in a key: two code points from here (native.index_key)
CHAR_DELETE, CHAR_DEFER = 0xFFFFFFFE, 0xFFFFFFFF  # the character table's markers
