"""Parser cases: one line per address pattern, expected spans and codes."""

from __future__ import annotations

import pyarrow as pa
import pytest

from address_registry import parse, parse_many

CASES = [
    # text, expected attributes (only those listed are checked)
    ("杭州市西湖区翠苑街道翠苑一区5幢2单元301室",
     dict(city="杭州市", district="西湖区", street="翠苑街道", community="翠苑一区", building="5",
          unit="2", room="301", community_code="330106005055", estate="翠苑一区")),
    ("浙江杭州滨江长河街道", dict(province="浙江", city="杭州", district="滨江",
                                  district_code="330108", street_code="330108002")),
    ("杭州市杭州市西湖区", dict(city="杭州市", district_code="330106")),
    ("西湖区文一西路100号", dict(road="文一西路", road_number="100", district_code="330106",
                                 street_code=None)),
    ("江干区下沙街道", dict(district="江干区", district_code="330114", street_code="330114001")),
    ("下城区", dict(district_code="330105")),
    ("余杭区临平街道", dict(district_code="330113", street_code="330113001")),
    ("翠苑", dict(street="翠苑", street_code="330106005")),
    ("三墩镇", dict(street="三墩镇", street_code="330106109")),
    ("文一西路522号西溪花园3幢1单元101室",
     dict(road="文一西路", road_number="522", estate="西溪花园", building="3", unit="1",
          room="101")),
    ("古荡新村3-2-301", dict(estate="古荡新村", building="3", unit="2", room="301",
                             street_code=None)),
    ("淳安县千岛湖镇青溪村3组15号", dict(community="青溪村", road="3组", road_number="15",
                                          community_code="330127100259")),
    ("上城区劳动路社区", dict(community="劳动路社区", community_code="330102001052")),
    ("上城区劳动路100号", dict(community=None, road="劳动路", road_number="100")),
    ("西湖區文一西路一百號", dict(district="西湖区", road="文一西路", road_number="100")),
    # a street's short name starting an estate's name gives the street, the name stays the estate's
    ("西湖区古荡新村", dict(street_code="330106007", estate="古荡新村")),
    ("乐清市柳市新苑3幢201", dict(street_code="330382114", estate="柳市新苑", building="3")),
    ("古荡新村", dict(street_code=None, estate="古荡新村")),  # ... under the district read only
    # a community's name elsewhere in the city does not override the district read; a street's does
    ("绍兴市柯桥区城南新村8幢", dict(district_code="330603", street_code=None, building="8")),
    ("台州市临海市新村路12号", dict(district_code="331082", road="新村路", road_number="12")),
    ("余杭区南苑街道", dict(district_code="330113", street_code="330113002")),
    # bugs found on the sample world: a short community name starting a road or estate
    ("余杭区五常街道五常港路26号", dict(community=None, road="五常港路", road_number="26")),
    ("西湖区古荡街道云溪苑内部道路", dict(road=None, estate="云溪苑")),
    ("杭州市江乾區下沙街道金沙湖社區", dict(district_code="330114", community_code="330114001021")),
    ("余杭区瓶 窑镇南山 村三组十 五号", dict(community="南山村", road="3组", road_number="15")),
    ("杭州市余杭区瓶窑镇南山村村委会", dict(community="南山村", estate=None)),
    ("北京市朝阳区建国路88号", dict(province_code="11", city_code="1101", district="朝阳区",
                                 district_code="110105", road="建国路", road_number="88")),
    ("拱墅区朝晖街道朝晖路203号大家苑6幢", dict(estate="大家苑", community_code="330105016001")),
    ("不详", dict(estate=None)),
    ("asdf1234", dict(room=None, estate=None)),
    ("西湖区翠苑街道金都花园东门", dict(estate="金都花园")),
    ("门口🚗🚗", dict(community=None, community_code=None)),  # 门口村 needs its 村 or a district
    # people's writing (issue 14): other provinces, old names, noise, building/unit/room forms
    ("浙江省-金华市-义乌市稠城街道", dict(district_code="330782", street_code="330782001")),
    ("浙江省null杭州市NULL西湖区", dict(city_code="3301", district_code="330106", estate=None)),
    ("委托件浙江省杭州市西湖区翠苑街道", dict(street_code="330106005")),
    ("收件地址：宁波江东区福明街道", dict(district="江东区", district_code="330212",
                                    street_code="330212014")),
    ("注册地 桐庐县城南街道", dict(district_code="330122", street_code="330122004")),
    ("[浙江省]_杭州市_西湖区", dict(district_code="330106")),
    ("江苏省南京市鼓楼区湖南路街道", dict(district_code="320106", street_code="320106003")),
    ("上海市闸北区", dict(district="闸北区", district_code="310106")),
    ("新疆巴音郭楞州和静县", dict(province_code="65", city_code="6528", district_code="652827")),
    ("景宁县沙湾镇", dict(district_code="331127", street_code="331127104")),
    ("四川成都武侯区浆洗街街道", dict(street_code="510107001")),
    ("蕉城区七都学院路658号", dict(district_code="350902", street_code="350902102",
                                 road="学院路", road_number="658")),
    ("七都学院路658号", dict(street_code="330302023", road_number="658")),  # Zhejiang first
    ("巴伦台文化路1号", dict(street_code=None)),  # another province's short street needs its county
    ("和静县巴伦台文化路1号", dict(street_code="652827101", road="文化路")),
    ("金都花园13-11-1413", dict(estate="金都花园", building="13", unit="11", room="1413")),
    ("金都花园12号楼3单元502", dict(building="12", unit="3", room="502")),
    ("金都花园B10栋1097", dict(building="B10", room="1097")),
    ("金都花园b座5单元", dict(building="B", unit="5")),
    ("金都花园A一11幢2单元301", dict(estate="金都花园", building="A11", unit="2", room="301")),
    ("金都花园3幢五单元502室", dict(building="3", unit="5", room="502")),
    ("西湖区华星大厦3039", dict(estate="华星大厦", room="3039")),
    ("西湖区金都花园7号3单元301", dict(estate="金都花园", building="7", unit="3", room="301")),
    ("西湖区文三路12号3单元501", dict(road="文三路", road_number="12", building=None, unit="3")),
    ("淳安县千岛湖镇青溪村3组15号301室", dict(road="3组", road_number="15", building=None)),
    ("浙江省台州市浙江省台州市椒江区白云街道", dict(street_code="331002002")),
    ("金华金东金华金东孝顺镇", dict(district_code="330703", street_code="330703101")),
    ("西湖区三敦镇", dict(street="三敦镇", street_code="330106109")),  # one character off
    ("余杭区瓶窖镇南山村", dict(street_code="330110110", community_code="330110110201")),
    ("三敦镇", dict(street_code=None)),  # ... only under a known district or street
    ("杭州市蒋材街道文一西路", dict(street_code="330106011")),  # ... or a city, when long enough
    ("杭州市三敦镇", dict(street_code=None)),
    ("苏州市金鸡湖大道", dict(street_code=None)),  # a road, not 金鸡湖街道 one character off
    # a name and a telephone number before the address, a landline after it
    ("收件人李红 13712345678 杭州市拱墅区大关街道", dict(street_code="330105007")),
    ("文二路391号西湖国际8幢 电话0571-88001234", dict(building="8", room=None)),
    ("蓝天花园6号502", dict(estate="蓝天花园", building="6", room="502")),  # N号 + a bare room
    ("金沙花园12号", dict(estate="金沙花园", building="12")),  # N号 ending the text after an estate
    ("金沙大厦12号", dict(building=None)),  # ... not after a tower
    ("翠苑小区2幢3单元402李先生收", dict(building="2", unit="3", room="402")),  # the recipient goes
    ("望江花苑9幢1101转前台", dict(building="9", room="1101")),
    ("文三路66号502", dict(road="文三路", road_number="66", building=None)),  # ... not a door
    ("阳光小区三幢二单元四〇一", dict(building="3", unit="2", room="401")),  # a numeral room
    ("苍南县龙港镇人民路88号", dict(district_code="330383", road="人民路")),  # a town became a city
    # development zones and new areas between divisions are not divisions
    ("嘉兴经济技术开发区城南街道", dict(district_code="330402", street_code="330402012")),
    ("湖州莫干山高新区舞阳街道", dict(district_code="330521", street_code="330521002")),
    ("成都市天府新区正兴街道", dict(district_code="510116", street_code="510116019")),
    ("温州瑞安经济开发区", dict(district_code="330381")),  # a short form before a zone word
    # a county-level city written as the county it was, a street as the town it was
    ("余姚县梁弄镇", dict(district_code="330281", street_code="330281114")),
    ("义乌市稠城镇", dict(street_code="330782001")),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse(text: str, expected: dict[str, str | None]) -> None:
    parsed = parse(text)
    assert {k: getattr(parsed, k) for k in expected} == expected


# People's separators and leading words (无 between two parts, a leading word before an address
# that starts at a district written short or by an old name), ambiguous district names, typos.
NOISE_CASES = [
    ("浙江省无杭州市无西湖区无翠苑街道文三路12号", dict(street_code="330106005", road="文三路")),
    ("浙江省无宁波市无北仑区无新碶街道明州路100号", dict(street_code="330206002")),
    ("江苏省无无锡市无梁溪区无崇安寺街道", dict(city="无锡市", street_code="320213021")),
    ("安徽省无芜湖市无无为市无无城镇", dict(district="无为市", street="无城镇",
                                          street_code="340281100")),
    ("安徽省芜湖市无为市无城镇", dict(district="无为市", street_code="340281100")),
    ("江苏省无锡市滨湖区蠡园街道", dict(city="无锡市", street_code="320211003")),
    ("浙江省无湖州市无德清县无武康街道永安街20号", dict(street_code="330521001", road="永安街")),
    ("浙江省无丽水市无缙云县无壶镇镇", dict(street_code="331122101")),
    ("广东省无佛山市无南海区无桂城街道", dict(street_code="440605011")),
    ("福建省无厦门市无思明区无中华街道", dict(street_code="350203003")),
    ("温州市无瓯海区无瞿西街道", dict(street_code="330304008")),  # 瞿西: one character off
    ("浙江省无温馨家园3幢", dict(city_code=None, estate="温馨家园")),  # no part after 无
    ("浙江省无无", dict(province_code="33", city_code=None)),
    ("马超 197 7608 9835 淳安千岛湖镇新安东路100号", dict(district="淳安",
                                                         street_code="330127100")),
    ("委托件 鄞州首南街道天童南路500号", dict(street_code="330212006", road="天童南路")),
    ("住址 萧山县城厢街道人民路5号", dict(district="萧山县", street_code="330109001")),
    ("收货人 李四 13512345678 富阳银湖街道富闲路9号", dict(street_code="330111006")),
    ("快递 安吉递铺街道昌硕东路1号", dict(street_code="330523001")),
    ("送至 乐清柳市镇长江路12号", dict(street_code="330382114")),
    ("寄 武义壶山街道熟溪路8号", dict(street_code="330723002")),
    ("地址 嵊州三江街道官河路66号", dict(street_code="330683002")),
    ("委托件 昆山玉山镇人民路1号", dict(street_code="320583100")),
    ("放门口 余姚县梨洲街道", dict(street_code="330281001")),
    # a district name several provinces have: the one whose own street follows
    ("普陀区 - 长征镇五一中路300号", dict(district_code="310107", street_code="310107102")),
    ("普陀区长风新村街道", dict(district_code="310107")),
    ("普陀区沈家门街道", dict(district_code="330903")),
    ("普陀区", dict(district_code="330903")),  # nothing after it: the preferred province's
    ("河东区常州道街道振兴北路557号", dict(district_code="120102", street_code="120102009")),
    ("河东区九曲街道", dict(district_code="371312")),
    ("朝阳区南湖街道", dict(district_code="220104")),
    ("鼓楼区华大街道", dict(district_code="350102")),
    ("鼓楼区宁海路街道", dict(district_code="320106")),
    ("西湖区朝阳洲街道", dict(district_code="360103")),
    ("送货地址：萧山-进化镇江湾工业园区东海东路517号", dict(street_code="330109104")),  # no 镇江市
    # a city or district written one character off, read when its own child follows it
    ("浙江省航州市萧山区党湾镇", dict(city_code="3301", street_code="330109120")),
    ("浙江省航州市余杭县余杭街道", dict(street_code="330110013")),
    ("浙江省台州市温领市泽国中兴路376号", dict(district_code="331081", street_code="331081100")),
    ("舟山市胜泗县菜园镇", dict(district_code="330922", street_code="330922100")),
    ("浙江省温州市隆湾区永中街道", dict(street_code="330303001")),
    ("无锡市滨胡区雪浪街道", dict(street_code="320211008")),
    ("浙江省湖洲市吴兴区飞英街道", dict(street_code="330502004")),
    ("江苏省苏洲市姑苏区平江街道", dict(street_code="320508018")),
    ("广东省深川市南山区粤海街道", dict(street_code="440305007")),
    ("浙江省金华市义鸟市稠城街道", dict(street_code="330782001")),
    ("四川省成都市武候区浆洗街街道", dict(street_code="510107001")),
    # nothing after them: read only when the character off sounds like the name's (航/杭, 领/岭)
    ("浙江省航州市", dict(province_code="33", city_code="3301")),
    ("浙江省台州市温领市", dict(city_code="3310", district_code="331081")),
    ("安徽省合肥市蜀出区", dict(city_code="3401", district_code=None)),  # 出 is not 山
]


@pytest.mark.parametrize(("text", "expected"), NOISE_CASES, ids=[c[0] for c in NOISE_CASES])
def test_peoples_writing(text: str, expected: dict[str, str | None]) -> None:
    parsed = parse(text)
    assert {k: getattr(parsed, k) for k in expected} == expected


@pytest.mark.parametrize("text", ["", None, "😀" * 50, "a" * 10_000, "垃圾垃圾", "\x00\x01",
                                  "-" * 300, "123", "Main Street 5", "杭州市" * 2000])
def test_parse_never_raises(text: str | None) -> None:
    parsed = parse(text)
    assert parsed.community_code is None or len(parsed.community_code) == 12


def test_parse_many_arrow_in_arrow_out() -> None:
    table = parse_many(pa.array(["西湖区文一西路100号", None, "西湖区文一西路100号"]))
    assert table.num_rows == 3
    assert table.column("road").to_pylist() == ["文一西路", None, "文一西路"]
    assert table.column("district_code").to_pylist() == ["330106", None, "330106"]
