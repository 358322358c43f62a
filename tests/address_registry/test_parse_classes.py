"""Classes of people's writing that used to miss (issue 14), each as strings of its own from
several cities and provinces (not taken from the real-text sets): the Python reference's parse,
and the native parse equal to it."""

from __future__ import annotations

import pytest

from address_registry import native, parse
from tests.address_registry.test_native_parse import assert_same, both_ways

Case = tuple[str, dict[str, str | None]]

# A road, estate or place whose name starts with a community's short name is no community; the
# short name followed by 社区/村/居委会, a number or nothing is one.
COMMUNITY_SHORT: list[Case] = [
    ("金华市婺城区城北街道鸿苑西路金色家园5幢", dict(community_code=None, building="5")),
    ("宁波市鄞州区钟公庙街道长丰工业园区", dict(community_code=None)),
    ("平阳县水头镇金凤大道商贸城", dict(community_code=None, street_code="330326102")),
    ("杭州市滨江区浦沿街道信诚路 东方花园", dict(community_code=None)),
    ("台州市路桥区路北街道阳光农场", dict(community_code=None)),
    ("嘉兴市海宁市长安镇聆涛景区", dict(community_code=None)),
    ("舟山市普陀区东港街道兴普商业广场", dict(community_code=None)),
    ("衢州市龙游县龙洲街道兴龙小学", dict(community_code=None)),
    ("丽水市莲都区紫金街道星湖湾二期", dict(community_code=None)),
    ("绍兴市嵊州市三江街道芷湘东路口", dict(community_code=None)),
    ("温州市鹿城区广化街道双榕市场", dict(community_code=None)),
    ("宁波市北仑区大碶街道金泉工业区", dict(community_code=None)),
    ("湖州市吴兴区仁皇山街道桥西菜场", dict(community_code=None)),
    ("台州市玉环市玉城街道双港码头", dict(community_code=None)),
    ("金华市婺城区城北街道鸿苑社区", dict(community_code="330702004021")),
    ("宁波市鄞州区钟公庙街道长丰居委会", dict(community_code="330212002001", estate=None)),
    ("杭州市滨江区浦沿街道信诚", dict(community_code="330108003020")),
    ("台州市路桥区路北街道阳光5幢2单元301", dict(community_code="331004003008", building="5")),
    ("丽水市松阳县西屏街道城东社区居委会", dict(community_code="331124001001")),
    # an estate written like a community with its kind's suffix changed is no typo of it
    ("宁波市江北区孔浦街道怡江小区9幢", dict(community_code=None, estate="怡江小区")),
    ("台州市路桥区路北街道阳光小区3幢", dict(community_code=None, estate="阳光小区")),
    ("舟山市普陀区东港街道兴普小区", dict(community_code=None)),
    # a village named XX村村委会 is written XX村, before an estate too
    ("宁波市鄞州区咸祥镇芦浦村 东海花园3幢", dict(community_code="330212101200", building="3")),
    ("丽水市松阳县大东坝镇横樟村", dict(community_code="331124104220")),
    ("桐庐县百江镇罗山村阳光公寓", dict(community_code="330122112211", estate="阳光公寓")),
    ("嘉兴市桐乡市高桥街道落晚村12号", dict(community_code="330483004201")),
    ("舟山市普陀区桃花镇青龙村村委会", dict(community_code="330903104214", estate=None)),
    ("舟山市普陀区桃花镇青龙村村", dict(community_code="330903104214", estate=None)),
]

# A room with a suffix (302-1) and Chongqing's floor-room (28-5) are kept whole as the room; a
# unit-room dash after a building (3-502) still gives room 502.
ROOM_SUFFIX: list[Case] = [
    ("杭州市拱墅区米市巷街道朝晖五区12幢302-1", dict(building="12", room="302-1")),
    ("宁波市海曙区鼓楼街道中山花园3幢1单元501-2室", dict(building="3", unit="1", room="501-2")),
    ("温州市鹿城区五马街道华侨新村7幢1202-3", dict(building="7", room="1202-3")),
    ("南京市鼓楼区湖南路街道颐和花园6栋2单元402-11", dict(unit="2", room="402-11")),
    ("广州市天河区石牌街道华师新村B栋603-2", dict(building="B", room="603-2")),
    ("重庆市渝北区龙溪街道龙湖花园3栋2单元15-4", dict(building="3", unit="2", room="15-4")),
    ("重庆市南岸区南坪街道万达广场32-8", dict(estate="万达广场", room="32-8")),
    ("重庆市沙坪坝区渝碚路街道三峡广场大厦 19-6", dict(room="19-6")),
    ("重庆市九龙坡区杨家坪街道西城大厦12-10室", dict(room="12-10")),
    ("成都市锦江区春熙路街道时代广场A座8-12", dict(building="A", room="8-12")),
    ("金都花园5幢3-502", dict(building="5", unit="3", room="502")),
    ("金都花园3-2-502", dict(building="3", unit="2", room="502")),
    ("金都花园5-302", dict(building="5", room="302")),
    ("绍兴市越城区北海街道镜湖新村9幢2单元0302-1", dict(unit="2", room="302-1")),
]

# A street written with 街 for 街道 right after its district is the street; followed by a door
# number it is a road.
STREET_JIE: list[Case] = [
    ("绍兴市越城区府山街", dict(street_code="330602002")),
    ("贵州省贵阳市清镇市滨湖街 红枫花园3栋", dict(street_code="520181004", building="3")),
    ("辽宁丹东东港市新城街", dict(street_code="210681003")),
    ("江西省抚州市临川区城西街 赣东大道", dict(street_code="361002091")),
    ("湖南湘潭湘乡市昆仑桥街", dict(street_code="430381003")),
    ("陕西省渭南市临渭区向阳街阳光小区5号楼", dict(street_code="610502004", building="5")),
    ("广州市花都区新雅街", dict(street_code="440114004")),
    ("河南省平顶山市舞钢市朱兰街", dict(street_code="410481003")),
    ("安徽芜湖市镜湖区方村街", dict(street_code="340202012")),
    ("新昌县澄潭街", dict(street_code="330624004")),
    ("上海市奉贤区西渡街", dict(street_code="310120001")),
    ("山东省烟台市莱阳市柏林庄街", dict(street_code="370682005")),
    ("云南昭通永善县永兴街", dict(street_code="530625002")),
    ("四川成都武侯区浆洗街", dict(street_code="510107001")),  # 浆洗街街道
    ("越城区府山街12号", dict(street_code=None, road="府山街", road_number="12")),
    ("渭南市临渭区向阳街 88号", dict(street_code=None, road="向阳街", road_number="88")),
    ("广州市花都区新雅街3号", dict(street_code=None, road="新雅街")),
    ("府山街", dict(street_code=None)),  # ... only right after its district
]

# N号 after a proper name with no estate word: building N when a unit, room or floor follows,
# otherwise a door (no building).
DOOR_OR_BUILDING: list[Case] = [
    ("宁波市鄞州区首南街道湖畔人家12号3单元502", dict(estate="湖畔人家", building="12", unit="3")),
    ("杭州市西湖区转塘街道象山艺术公社22号3楼", dict(building="22", floor="3")),
    ("温州市鹿城区南汇街道锦绣江南8号1201室", dict(estate="锦绣江南", building="8", room="1201")),
    ("金华市婺城区西关街道江南人家15号2单元301", dict(building="15", unit="2", room="301")),
    ("南京市江宁区东山街道翠屏国际5号2201", dict(building="5", room="2201")),
    ("成都市武侯区簇桥街道锦城印象16号2层", dict(building="16", floor="2")),
    ("湖州市吴兴区飞英街道清水湾3号11层", dict(building="3", floor="11")),
    ("西安市雁塔区小寨路街道曲江观邸9号4单元", dict(building="9", unit="4")),
    ("宁波市江北区慈城镇慈湖人家28号", dict(building=None)),
    ("台州市椒江区白云街道星明人家7号", dict(building=None)),
    ("杭州市西湖区文三路12号3楼", dict(road="文三路", road_number="12", building=None,
                                    floor="3")),
    ("淳安县千岛湖镇青溪村3组15号2楼", dict(road="3组", road_number="15", building=None)),
]

# A county-level city or district written as the county it was: a one-character stem and 州
# (嵊县 for 嵊州市) where no division has that name, and two-character stems (临海县 for 临海市).
COUNTY_STEM: list[Case] = [
    ("嵊县甘霖镇", dict(district_code="330683", street_code="330683100")),
    ("绍兴嵊县长乐镇", dict(district_code="330683", street_code="330683101")),
    ("山东滕县", dict(district_code="370481")),
    ("天津蓟县", dict(district_code="120119")),
    ("北京通县", dict(district_code="110112")),
    ("江苏南通通县", dict(district_code="320612")),
    ("通县", dict(district_code=None)),  # two of them and no parent written: not guessed
    ("河南邓县", dict(district_code="411381")),
    ("四川彭县", dict(district_code="510182")),
    ("广东雷县", dict(district_code="440882")),
    ("河北涿县", dict(district_code="130681")),
    ("青县", dict(district_code="130922")),  # a county of its own, not 青州市
    ("山东青县", dict(district_code=None)),
    ("临海县", dict(district_code="331082")),
    ("诸暨县", dict(district_code="330681")),
    ("余姚县", dict(district_code="330281")),
]

# A street's kind written as another (Beijing's 地区 as 镇/乡/街道, a 镇 as the 乡 it was, a 乡 as
# a 镇) when its stem is the only one under the district.
STREET_KIND: list[Case] = [
    ("北京市平谷区渔阳镇", dict(street_code="110117003")),
    ("北京门头沟区王平镇", dict(street_code="110109005")),
    ("北京顺义区牛栏山镇", dict(street_code="110113007")),
    ("北京顺义区 后沙峪 裕祥花园 3号楼", dict(street_code="110113004", building="3")),
    ("北京朝阳区来广营乡", dict(street_code="110105032")),
    ("北京市朝阳区东坝乡东坝家园", dict(street_code="110105039")),
    ("北京房山区周口店镇", dict(street_code="110111009")),
    ("北京朝阳区孙河街道", dict(street_code="110105037")),
    ("淳安县屏门镇", dict(street_code="330127205")),
    ("开化县音坑镇", dict(street_code="330824217")),
    ("江苏邳州邢楼乡", dict(street_code="320382119")),
    ("南昌新建区太平乡", dict(street_code="360112113")),
    ("河南驻马店驿城区沙河店乡", dict(street_code="411702101")),
    ("余姚市梁弄乡", dict(street_code="330281114")),
    ("萧山区新街镇", dict(street_code="330109014")),
]

# A development zone or new area named like a street, with no district read and no division
# after it, is no street; named like a district it is the district.
ZONES: list[Case] = [
    ("江西省赣江新区", dict(district_code=None, street_code=None)),
    ("南昌市赣江新区", dict(city_code="3601", street_code=None)),
    ("四川省天府新区", dict(street_code=None)),
    ("温州瑞安经济开发区", dict(district_code="330381")),
    ("浙江省南湖新区", dict(district_code="330402", street_code=None)),
    ("杭州市萧山区南阳经济技术开发区兴港路", dict(street_code="330109006")),  # a district read
    ("湖州莫干山高新区舞阳街道", dict(street_code="330521002")),
    ("甘肃省兰州市兰州新区", dict(district_code="620171")),  # an NBS district
]

# A division name several provinces have, written with nothing that tells which, gives no code:
# the words before an address never start inside it (河东区 is no lead word before 攀枝花's 东区).
AMBIGUOUS_START: list[Case] = [
    ("河东区", dict(district_code=None, city_code=None)),
    ("桥东区", dict(district_code=None, city_code=None)),
    ("桥西区 胜利大街", dict(district_code=None, city_code=None)),
    ("河东区 建设路12号", dict(district_code=None)),
    ("天津市河东区", dict(district_code="120102")),
    ("河北省邢台市桥东区", dict(district_code="130502")),
    ("攀枝花市东区", dict(district_code="510402")),
    ("委托件 东区炳草岗", dict(district_code="510402")),
    # after words before the address, a two-character district (云县, 易县) starts it only with its
    # own child after it: it may end a longer word (晋云县)
    ("采购部云县爱华镇", dict(district_code="530922", street_code="530922101")),
    ("委托件沛县龙固镇", dict(street_code="320322101")),
    ("王小明易县", dict(district_code=None)),
    ("委托件沛县人民路", dict(district_code=None)),
]

# After a building, a unit and a room joined by a dash are unit and room; a room may be written
# with 房 or 房间, or with 号 after a building or unit; 附N号 and 甲N号 are doors, not buildings;
# what is written after the room to say where to leave a parcel is not the room's.
HOUSE_FORMS: list[Case] = [
    ("南京市江宁区东山街道百家湖花园12栋2-1803", dict(building="12", unit="2", room="1803")),
    ("合肥市蜀山区稻香村街道琥珀山庄3#1-502室", dict(building="3", unit="1", room="502")),
    ("济南市历下区泉城路街道10号楼3-301", dict(building="10", unit="3", room="301")),
    ("武汉市洪山区珞南街道广埠屯小区7幢12-1203", dict(building="7", unit="12", room="1203")),
    ("成都市武侯区玉林街道芳草小区6幢302-1", dict(building="6", unit=None, room="302-1")),
    ("重庆市渝中区解放碑街道临江花园2幢15-4", dict(building="2", unit=None, room="15-4")),
    ("长沙市岳麓区望月湖街道8栋123-4501", dict(building="8", unit=None)),
    ("西安市雁塔区小寨路街道紫薇花园1201房", dict(room="1201")),
    ("福州市鼓楼区东街街道三坊花园5栋802房间", dict(building="5", room="802")),
    ("昆明市五华区华山街道翠湖苑2幢3单元501房", dict(unit="3", room="501")),
    ("南昌市东湖区百花洲街道两房一厅", dict(room=None)),
    ("沈阳市和平区太原街街道南湖小区3单元601号", dict(unit="3", room="601")),
    ("郑州市金水区花园路街道建业花园9幢1503号", dict(building="9", room="1503")),
    ("太原市小店区坞城街道长风小区5单元12号", dict(unit="5", room=None)),
    ("天津市南开区王顶堤街道华苑路26号附3号2楼", dict(building=None, floor="2")),
    ("苏州市姑苏区平江街道临顿路甲58号3楼", dict(building=None)),
    ("厦门市思明区中华街道中山路乙12号2层201室", dict(building=None, room="201")),
    # a name and telephone number after 房 go, and so does a spot written after the room
    ("长沙市开福区四方坪街道万科城8栋502房 李先生 0731-86001234", dict(building="8", room="502")),
    ("贵阳市南明区花果园街道R1区5栋1201室楼下快递柜", dict(building="5", room="1201")),
    ("兰州市城关区张掖路街道金城花园3幢2单元602楼下", dict(unit="2", room="602")),
    ("呼和浩特市新城区海拉尔东路街道锦绣苑7幢1103门口", dict(building="7", room="1103")),
    ("银川市兴庆区凤凰北街街道丽景湾2-1502楼下", dict(building="2", room="1502")),
]

# A city one character off that several cities fit (航州: 杭州, 湖州, 温州 ...) is the one whose
# child is written after it by the longest name (航州市|滨江区: 杭州's 滨江区, not another city's
# 滨江 community).
TYPO_CHILD: list[Case] = [
    ("浙江省航州市滨江区", dict(city_code="3301", district_code="330108")),
    ("浙江省航州市钱塘区", dict(district_code="330114")),
    ("浙江省航州市西湖区文新街道", dict(street_code="330106013")),
    ("浙江省胡州市长兴县", dict(district_code="330522")),
    ("浙江省文州市龙湾区", dict(district_code="330303")),
    ("浙江省纹州市平阳县", dict(district_code="330326")),
    ("浙江省抬州市仙居县", dict(district_code="331024")),
    ("浙江省家兴市南湖区", dict(district_code="330402")),
    ("江苏省阳州市广陵区", dict(city_code="3210", district_code="321002")),
    # with nothing before it, a city or district of the preferred province one character off,
    # read when its own child follows it
    ("宁坡市鄞州区钟公庙街道", dict(city_code="3302", street_code="330212002")),
    ("鄞洲区钟公庙街道", dict(district_code="330212", street_code="330212002")),
    ("象删县石浦镇", dict(district_code="330225", street_code="330225101")),
    ("建得市梅城镇", dict(district_code="330182", street_code="330182104")),
    ("温领市泽国镇", dict(district_code="331081")),
    ("航州市萧山区", dict(city_code="3301", district_code="330109")),
    ("收件人张三电话地址宁坡市海曙区", dict(district_code="330203")),
    ("建得市", dict(city_code=None, district_code=None)),  # nothing confirms it
    ("建得市人民路12号", dict(district_code=None)),
]

# A province or Zhejiang city written in pinyin is read as its name.
PINYIN: list[Case] = [
    ("Zhejiang Province, Jinhua City, 义乌市稠城街道", dict(street_code="330782001")),
    ("ZHEJIANG TAIZHOU 温岭市泽国镇", dict(street_code="331081100")),
    ("Ningbo 北仑区新碶街道", dict(district_code="330206")),
    ("Guangdong 广州市天河区", dict(district_code="440106")),
    ("Sichuan Sheng 绵阳市涪城区", dict(district_code="510703")),
    ("Hangzhou Binjiang 长河街道", dict(district_code="330108", street_code="330108002")),
]

# A city or district in pinyin (generated from the division reference) is read in a run that also
# names a province or city it lies in, or with a kind word after it (District, County, City, Qu),
# when only one name fits; English order (smallest first) is read largest first.
PINYIN_DISTRICT: list[Case] = [
    ("Ningbo Beilun District 新碶街道", dict(district_code="330206", street_code="330206002")),
    ("Wenzhou Lucheng District 五马街道", dict(street_code="330302006")),
    ("Taizhou Jiaojiang District", dict(district_code="331002")),
    ("Huzhou Wuxing 爱山街道", dict(district_code="330502", street_code="330502003")),
    ("Jiaxing Nanhu District 南湖街道", dict(street_code="330402010")),
    ("Yuhang District, Hangzhou, Zhejiang", dict(district_code="330110")),
    ("Lucheng District, Wenzhou, Zhejiang Province", dict(district_code="330302")),
    ("Guangdong Shenzhen Nanshan District 粤海街道", dict(street_code="440305007")),
    ("Chaoyang District, Beijing", dict(district_code="110105")),
    ("Sichuan Chengdu Jinjiang District", dict(district_code="510104")),
    ("Jiangsu Suzhou Gusu District", dict(district_code="320508")),
    ("Hubei Wuhan Hongshan District", dict(district_code="420111")),
    ("Xiaoshan District 城厢街道", dict(district_code="330109", street_code="330109001")),
    ("Jinhua Yiwu City 稠城街道", dict(district_code="330782", street_code="330782001")),
    ("Hangzhou Xihu Qu 文新街道", dict(street_code="330106013")),
    ("Nanshan District, Shenzhen, Guangdong", dict(district_code="440305")),
    ("Shandong Dezhou Wucheng County", dict(district_code="371428")),
    ("Xihu District, Nanchang, Jiangxi", dict(district_code="360103")),
    # several names fit (婺城 and 武城, 上城 and 商城, 义乌 and 伊吾) or nothing confirms it: not read
    ("Wucheng District", dict(district_code=None)),
    ("Shangcheng District", dict(district_code=None)),
    ("Yiwu City 稠城街道", dict(district_code=None)),
    ("Chaoyang", dict(city_code=None, district_code=None)),
    ("Zhongshan", dict(city_code=None, district_code=None)),  # 中山 the city holds no 中山 itself
]

# An English address (smallest first): Room N, Building N and No.N ... Road are read as the room,
# the building and the door on the road, after the rest.
ENGLISH_ADDRESS: list[Case] = [
    ("Room 502, Building 3, 翠苑街道 Hangzhou", dict(street_code="330106005", building="3",
                                             room="502")),
    ("Room 1801, Building 12, Ningbo Yinzhou District 首南街道", dict(street_code="330212006",
                                                              building="12", room="1801")),
    ("Room 301, Building 7, 五马街道 Wenzhou", dict(street_code="330302006", room="301")),
    ("No.18 Jiefang Road, Shangcheng District, Hangzhou, Zhejiang",
     dict(district_code="330102", road="JIEFANG路", road_number="18")),
    ("No.88 Renmin Road, Yuecheng District, Shaoxing", dict(district_code="330602",
                                                            road_number="88")),
    ("No.5 Zhongshan Road, Lucheng District, Wenzhou, Zhejiang", dict(district_code="330302",
                                                                      road_number="5")),
    ("No.100 Tianmushan Road, Xihu District, Hangzhou", dict(district_code="330106",
                                                             road="TIANMUSHAN路")),
    ("Room 2101, No.66 Jianshe Road, Xiaoshan District, Hangzhou",
     dict(district_code="330109", road_number="66", room="2101")),
    ("Building 2, Room 603, 稠城街道 Jinhua Yiwu City", dict(street_code="330782001", building="2",
                                                      room="603")),
    ("Room 1203 Building 5 Jiangsu Suzhou Gusu District", dict(district_code="320508",
                                                               building="5", room="1203")),
    ("No.9 Wuyi Road, Wucheng District, Jinhua", dict(district_code="330702", road_number="9")),
    ("Room 808, Building 1, No.3 Huancheng Road, Nanhu District, Jiaxing",
     dict(district_code="330402", road_number="3", building="1", room="808")),
    ("No.1 Chaoyang Road, Chaoyang District, Beijing", dict(district_code="110105")),
    ("Room 1502, Sichuan Chengdu Wuhou District 浆洗街街道", dict(street_code="510107001",
                                                           room="1502")),
    ("Building 6, 北仑区新碶街道 Ningbo", dict(street_code="330206002", building="6")),
    ("Room 12345678, 西湖区", dict(district_code=None, room=None)),  # too long for a room
    ("Broadway Road 8", dict(district_code=None, road=None)),
]

# A waybill's fields before the address (收件人, 电话, 手机号码): the address starts after the word
# that labels it (地址, 所在地区) when no division starts the text or follows a few lead words.
WAYBILL: list[Case] = [
    ("收件人：欧阳小明 电话：139-0571-2233 地址：湖南省长沙市岳麓区", dict(district_code="430104")),
    ("收货人:李娜娜,手机号码:138****5678,所在地区:广东省佛山市顺德区", dict(district_code="440606")),
    ("收货人：王建国（先生） 联系方式：0571-86001234 收货地址：江苏省南通市海门区",
     dict(district_code="320614")),
    ("寄件人 张三丰 公司 宏达贸易有限公司 地址 福建省泉州市晋江市", dict(district_code="350582")),
    ("姓名：陈晓燕 手机：186 5712 3344 详细地址：宁波市江北区庄桥街道",
     dict(street_code="330205006")),
    ("收件人 刘德华 电话 13905712233 所在地区 四川省绵阳市涪城区", dict(district_code="510703")),
    # a label after the address is no start: the address read from the start stays
    ("江西省赣州市章贡区 地址不详", dict(district_code="360702")),
    # a label too far from the start is none
    ("备注备注备注备注备注备注备注备注备注备注备注备注备注备注备注地址江苏省南京市", dict(city_code=None)),
]

# A road written with its segment (北段, 四段, 北3段: Chengdu, Kunming, Xi'an ...) is a road and
# its door; a street's short name starting it (天府|大道北段) is none.
ROAD_SEGMENT: list[Case] = [
    ("成都市天府大道中段530号", dict(street_code=None, road="天府大道中段", road_number="530")),
    ("四川省成都市天府大道北段1700号", dict(street_code=None, road="天府大道北段", road_number="1700")),
    ("成都市武侯区人民南路四段12号", dict(district_code="510107", road="人民南路四段", road_number="12")),
    ("成都市金牛区一环路北三段1号3栋2单元501", dict(road="一环路北三段", road_number="1", building="3",
                                        unit="2", room="501")),
    ("昆明市五华区人民中路一段12号", dict(road="人民中路一段", road_number="12", estate=None)),
    ("西安市雁塔区长安南路3段88号", dict(road="长安南路3段", road_number="88")),
    ("台州市黄岩区东城街道天长南路二段55号", dict(street_code="331003001", road="天长南路二段")),
    ("成都市温江区天府街道光华大道三段1588号", dict(street_code="510115004", road="光华大道三段",
                                         road_number="1588")),
    ("成都市高新区天府大道中段", dict(street_code=None)),
    ("长春市南关区人民大街南段1号", dict(street_code=None, road="人民大街南段", road_number="1")),
    # ... and a side alone (Guangdong writes 大道北, 路东) before the door
    ("广东省佛山市南海区桂城街道南海大道北80号", dict(road="南海大道北", road_number="80", estate=None)),
    ("东莞市南城街道 鸿福路东 12号", dict(road="鸿福路东", road_number="12")),
    ("杭州市文三路东80号3幢", dict(road="文三路东", road_number="80", building="3")),
    ("杭州市中山路东方大厦", dict(road=None, estate="中山路东方大厦")),  # 东方 starts a name
    ("杭州市上城区解放路东侧", dict(road="解放路")),  # 东侧: beside the road
]

# What a place was, in brackets after it, is no part of the address that goes on after it.
FORMER_REMARK: list[Case] = [
    ("杭州市拱墅区(原下城区)武林街道体育场路178号", dict(street_code="330105013", road="体育场路")),
    ("杭州市钱塘区（原江干区）下沙街道", dict(street_code="330114001")),
    ("宁波市鄞州区【原江东区】百丈街道", dict(district_code="330212", street="百丈街道")),
    ("温州市龙港市(原苍南县)龙港大道1号", dict(district_code="330383", road="龙港大道")),
    ("杭州市上城区（原野小区）3幢", dict(estate="原野小区", building="3")),
]

# A village one character off is read when its stem is 3 characters or more, or when written with
# its committee's word; a two-character stem with 村 alone is as likely a natural village the
# lists do not name (江窑村 under 高亭镇 is not 江南村).
VILLAGE_TYPO: list[Case] = [
    ("舟山市岱山县高亭镇江窑村江窑路3号", dict(community_code=None)),
    ("绍兴市柯桥区稽东镇高杨村", dict(community_code=None)),
    ("绍兴市柯桥区稽东镇高杨村委会", dict(community_code="330603109234")),
    ("金华市武义县王宅镇马府夏村3组12号", dict(community_code="330723105206")),
]

# A province's city or a city's district one character off with no child after it is read when
# the character off sounds like the name's (a pinyin input method's typo) and only one fits.
SOUNDS_ALIKE: list[Case] = [
    ("浙江省杭州纯安县振兴大街7号", dict(district_code="330127")),
    ("绍兴乘州市星河湾府D座701室", dict(district_code="330683")),
    ("浙江台州市焦江区保利雅苑", dict(district_code="331002")),
    ("江苏省南京市玄午区中山路", dict(district_code="320102")),
    ("四川省成都市武候区人民南路四段12号", dict(district_code="510107")),
    ("湖南省长沙市岳路区", dict(district_code="430104")),
    ("广东省广州市天和区天河路", dict(district_code="440106")),
    ("浙江瞿州市江山清湖锦绣新村", dict(city_code="3308")),
    ("西安市高新区科技路", dict(district_code=None)),  # 新 does not sound like 陵 (高陵区)
    ("浙江省绍兴市上吴区开元路11号", dict(district_code=None)),  # 吴 (wu) is not 虞 (yu)
]

# A short district or street name written first (no province or city) is the one whose own child
# follows it, whatever its province; with none or several, the preferred province's as before.
OWN_CHILD_FIRST: list[Case] = [
    ("大兴高米店街道莫干山巷304号", dict(district_code="110115", street_code="110115011")),
    ("太平水泉镇东山中路", dict(district_code="210904", street_code="210904101")),
    ("朝阳望京街道阜通东大街6号", dict(district_code="110105", street_code="110105026")),
    ("南山粤海街道", dict(district_code="440305", street_code="440305007")),
    ("普陀长征镇", dict(district_code="310107")),
    ("西湖翠苑街道", dict(street_code="330106005")),
    ("朝阳大悦城", dict(district_code=None)),  # no child after it: several provinces' 朝阳
]

# A longer name read at a place gives way to a shorter one of another division when only the
# shorter one has its own child right after it (the longer one ate the child's first character).
SHORTER_WITH_CHILD: list[Case] = [
    ("云南省普洱镇沅彝族哈尼族拉祜族自治县和平镇", dict(district_code="530825", street_code="530825108")),
    ("浙江金华市东阳江北街道梧桐苑", dict(district_code="330783", street_code="330783005")),
    ("浙江金华市东阳江镇", dict(street_code="330783110")),  # no child after 东阳: the town
    ("云南省昭通市镇雄县", dict(district_code="530627")),
    ("贵州省安顺市镇宁布依族苗族自治县", dict(district_code="520423")),
    ("杭州市西湖区翠苑街道", dict(street_code="330106005")),
]

# A division written one character off first, with no parent or only a province before it: a
# district of the province read when its own child follows (浙江|于姚市|梨洲街道); a city sounding
# like the name's followed by its district one character off and that one's child (温周市|瑞按市|
# 塘下镇); a short city before its district one character off with a child (衢州|可城区|府山街道:
# 可城 starts no estate); alone or unconfirmed, nothing.
TYPO_FIRST: list[Case] = [
    ("浙江于姚市梨洲街道", dict(district_code="330281", street_code="330281001")),
    ("浙江省乐青市柳市镇", dict(district_code="330382", street_code="330382114")),
    ("浙江省义屋市稠城街道", dict(district_code="330782", street_code="330782001")),
    ("江苏省昆删市玉山镇", dict(district_code="320583", street_code="320583100")),
    ("广东省南嗨区桂城街道", dict(district_code="440605", street_code="440605011")),
    ("四川省武候区浆洗街街道", dict(district_code="510107", street_code="510107001")),
    ("温周市瑞按市塘下镇", dict(city_code="3303", district_code="330381", street_code="330381101")),
    ("绍星市柯侨区柯桥街道", dict(district_code="330603", street_code="330603001")),
    ("台洲市温玲市泽国镇", dict(district_code="331081", street_code="331081100")),
    ("金化市义屋市佛堂镇", dict(district_code="330782", street_code="330782100")),
    ("湖洲市长星县雉城街道", dict(district_code="330522", street_code="330522001")),
    ("衢州可城区府山街道", dict(district_code="330802", street_code="330802006")),
    ("温州路城区五马街道", dict(district_code="330302", street_code="330302006")),
    ("绍兴悦城区府山街道", dict(district_code="330602", street_code="330602002")),
    ("金华务城区城东街道", dict(district_code="330702", street_code="330702001")),
    ("佛山蝉城区祖庙街道", dict(district_code="440604", street_code="440604012")),
    # ... and after words before the address, where no province or city name opens it
    ("丁女士 胡州市爱山街道", dict(district_code="330502", street_code="330502003")),
    ("收货 家兴市南湖街道", dict(street_code="330402010")),
    ("陈先生 同庐县横村镇", dict(district_code="330122", street_code="330122102")),
    ("王五 瑞按市塘下镇", dict(district_code="330381", street_code="330381101")),
    ("备注 建得市", dict(district_code=None)),
    ("浙江省建得市", dict(district_code=None)),  # nothing confirms it
    ("莉水市", dict(city_code=None)),
    ("温周市瑞按市", dict(city_code=None, district_code=None)),  # no child confirms the second
    ("衢州可城区", dict(district_code=None)),
]

# The same chain written twice, a name in it one character off (绍星市上虞区|绍星市上虞区, 柯侨区|柯侨区,
# 浙江省于姚市|浙江省于姚市): the second copy is a repeat, or read when the first is not.
TYPO_TWICE: list[Case] = [
    ("绍星市上虞区绍星市上虞区曹娥街道", dict(district_code="330604", street_code="330604002")),
    ("温周市鹿城区温周市鹿城区五马街道", dict(district_code="330302", street_code="330302006")),
    ("浙江省于姚市浙江省于姚市梨洲街道", dict(district_code="330281", street_code="330281001")),
    ("柯侨区柯侨区柯桥街道", dict(district_code="330603", street_code="330603001")),
    ("宁坡市宁坡市海曙区", dict(city_code="3302", district_code="330203")),
    ("江苏省昆删市江苏省昆删市玉山镇", dict(street_code="320583100")),
    ("湖洲市长星县湖洲市长星县雉城街道", dict(street_code="330522001")),
    ("家兴市海宁市家兴市海宁市许村镇", dict(district_code="330481", street_code="330481101")),
    ("台洲市台洲市椒江区", dict(district_code="331002")),
    ("浙江省—乐青市—浙江省—乐青市—柳市镇", dict(street_code="330382114")),
    ("广东省南嗨区广东省南嗨区桂城街道", dict(street_code="440605011")),
    ("四川省成都市武候区武候区浆洗街街道", dict(street_code="510107001")),
    ("金化市金化市婺城区", dict(district_code="330702")),
    ("胡州市安吉县胡州市安吉县递铺街道", dict(street_code="330523001")),
    ("瑞按市瑞按市塘下镇", dict(district_code="330381", street_code="330381101")),
    ("江苏省阳州市江苏省阳州市广陵区", dict(city_code="3210", district_code="321002")),
    ("杭州市西湖区文三路文三路12号", dict(district_code="330106", street_code=None)),
    ("建得市建得市", dict(city_code=None, district_code=None)),
]

# A bare number after a tower or office park (大厦, 写字楼, 科技园, 创意园, 产业园, 软件园 ...) is a room,
# also when a door's sub-number or a lettered door (附8号, 乙21号) stands between the road and the
# name; the lettered door stays in the number (甲58号), so it is never taken for door 58.
# One short name, a village and a residents' community of the same street (塘南村委会, 塘南社区居委会),
# written with another committee word than the registry's: the word's kind, village (村...) or
# residents' (社区, 居委会, 居民委员会), tells which; a name ending like a road (许巷, 横街) too.
COMMUNITY_KIND: list[Case] = [
    ("浙江省湖州市南浔区旧馆街道塘南居委会城西弄300弄26号", dict(community_code="330503002001")),
    ("湖州市南浔区旧馆街道塘南村委会", dict(community_code="330503002203")),
    ("宁波市奉化区锦屏街道长岭居委会", dict(community_code="330213001010")),
    ("宁波市奉化区锦屏街道长岭村民委员会12号", dict(community_code="330213001212")),
    ("绍兴市越城区皋埠街道东湖居委会", dict(community_code="330602013002")),
    ("绍兴市越城区皋埠街道东湖村", dict(community_code="330602013228")),
    ("温州市龙湾区瑶溪街道瑶溪居委会3幢", dict(community_code="330303007003")),
    ("温州市龙湾区瑶溪街道瑶溪村委会", dict(community_code="330303007207")),
    ("杭州市富阳区东洲街道民联居委会", dict(community_code="330111005005")),
    ("金华市兰溪市诸葛镇诸葛社区", dict(community_code="330781104001")),  # 诸葛居民委员会
    ("金华市兰溪市诸葛镇诸葛村", dict(community_code="330781104200")),
    ("杭州市建德市三都镇三都社区居委会", dict(community_code="330182108003")),
    ("金华市兰溪市马涧镇马涧居民委员会", dict(community_code="330781109001")),
    ("嘉兴市海宁市许村镇许巷居委会", dict(community_code="330481101003")),
    ("湖州市南浔区南浔镇横街居委会", dict(community_code="330503100035")),
    ("湖州市南浔区南浔镇横街村", dict(community_code="330503100241")),
    ("台州市临海市古城街道花街居委会", dict(community_code="331082001012")),
    ("台州市临海市古城街道花街村委会", dict(community_code="331082001208")),
    ("金华市永康市花街镇花街社区", dict(community_code="330784114001")),
    ("杭州市上城区笕桥街道黄家村3幢", dict(community_code="330102016016")),  # 黄家社区, a village once
    ("湖州市南浔区旧馆街道塘南5幢", dict(community_code=None)),  # no word: either of the two
    ("湖州市南浔区南浔镇横街12号", dict(community_code=None, road="横街", road_number="12")),
]


# A district or county written without its kind word, then a road whose name opens with an estate
# word (府, 城, 园, 庭, 花园, 中心, 新村): the district, then the road; an estate name stays one.
SHORT_DISTRICT_ROAD: list[Case] = [
    ("浙江省 宁波 奉化府前西路1907号11幢2424室", dict(district="奉化", road="府前西路", building="11")),
    ("浙江省杭州市滨江环城弄120号", dict(district="滨江", road="环城弄", road_number="120")),
    ("衢州市龙游城北路25号", dict(district="龙游", road="城北路")),
    ("衢州龙游金城北路25号", dict(district="龙游", road="金城北路")),
    ("温州市瑞安城北街88号", dict(district="瑞安", road="城北街")),
    ("浙江省台州市温岭城东路6号3幢", dict(district="温岭", road="城东路", building="3")),
    ("浙江省嘉兴市海盐城北路198号", dict(district="海盐", road="城北路")),
    ("浙江省湖州市德清城中路7号", dict(district="德清", road="城中路")),
    ("河南省郑州市金水花园路18号", dict(district="金水", road="花园路")),
    ("江苏省南京市江宁府前路8号", dict(district="江宁", road="府前路")),
    ("江苏省苏州市吴江中心大道1号", dict(district="吴江", road="中心大道")),
    ("湖北省武汉市江汉新村路3号", dict(district="江汉", road="新村路")),
    ("广东省广州市番禺园林路9号", dict(district="番禺", road="园林路")),
    ("福建省福州市鼓楼庭院路5号", dict(district="鼓楼", road="庭院路")),
    ("四川省成都市武侯城南大道66号", dict(district="武侯", road="城南大道")),
    ("山东省青岛市城阳城阳路128号", dict(district="城阳", road="城阳路")),  # a road named after it
    ("金华金东金华金东多湖街道", dict(district="金东", street="多湖街道")),  # written twice, no road
    ("杭州古荡新村5幢", dict(district=None, estate="古荡新村", building="5")),
    ("浙江省宁波市江北新城二期12幢2503", dict(district=None, estate="江北新城二期")),
    ("温州市鹿城区城西花园3幢", dict(estate="城西花园", road=None)),
]


TOWER_AFTER_DOOR: list[Case] = [
    # a sub-door before a building, a room or the end is no estate name
    ("衢州市龙游县金城北路25号附5号17幢22层2207室", dict(road_number="25", estate=None, building="17",
                                                 room="2207")),
    ("杭州市西湖区文三路90号附2号", dict(road="文三路", road_number="90", estate=None)),
    ("杭州市西湖区文三路90号附2号3幢201室", dict(estate=None, building="3", room="201")),
    ("江苏省南京市鼓楼区中山北路105号甲6号2单元502室", dict(estate=None, unit="2", room="502")),
    ("广东省深圳市福田区深南大道6008号乙3号", dict(road_number="6008", estate=None)),
    ("浙江宁波北仑区柴桥街道世纪巷6号附8号桂花大厦2713", dict(estate="桂花大厦", room="2713")),
    ("杭州市西湖区文三路90号附2号东部软件园1203", dict(estate="东部软件园", room="1203")),
    ("宁波市鄞州区中山东路88号甲3号世贸中心1506", dict(estate="世贸中心", room="1506")),
    ("温州市鹿城区解放路22号乙5号国际大厦2208", dict(estate="国际大厦", room="2208")),
    ("金华市婺城区迎宾大道77号附1号商务楼906", dict(room="906")),
    ("江苏省南京市玄武区中山路18号附6号德基广场1802", dict(estate="德基广场", room="1802")),
    ("广东省广州市天河区天河路208号甲2号粤海大厦3301", dict(road_number="208", room="3301")),
    ("杭州市余杭区文一西路998号海创科技园1506", dict(estate="海创科技园", room="1506")),
    ("嘉兴市南湖区广益路1000号智慧产业园2201", dict(estate="智慧产业园", room="2201")),
    ("湖州市吴兴区苕溪路8号创意园312", dict(room="312")),
    ("台州市椒江区市府大道乙21号国商大厦1702", dict(road_number="乙21", estate="国商大厦",
                                          room="1702")),
    ("上海市徐汇区漕溪北路附18号光启城大厦1901", dict(road_number="附18", room="1901")),
    ("绍兴市越城区胜利东路甲12号金地写字楼2006", dict(road_number="甲12", room="2006")),
    ("成都市武侯区天府大道中段1388号美年广场1809", dict(road="天府大道中段", room="1809")),
    ("衢州市柯城区荷花中路乙6号阳光创意园208", dict(estate="阳光创意园", room="208")),
    # no name after the sub-number: read as before; a lettered door is no plain door
    ("天津市南开区王顶堤街道华苑路26号附3号2楼", dict(road_number="26", floor="2", building=None)),
    ("苏州市姑苏区平江街道临顿路甲58号3楼", dict(road_number="甲58", floor="3", building=None)),
    ("杭州市上城区解放路乙21号", dict(road="解放路", road_number="乙21")),
    # after a unit, N号楼下 (3-5 digits) is the room and where to leave the parcel, not building N
    ("杭州市西湖区文新街道嘉绿苑36幢5单元2701号楼下快递柜", dict(building="36", unit="5", room="2701")),
    ("宁波市鄞州区首南街道万科城8幢2单元1102号楼下", dict(building="8", room="1102")),
    ("温州市鹿城区五马街道华盖花园3栋1单元602号楼下", dict(building="3", unit="1", room="602")),
    ("金华市婺城区城东街道金都美地12幢3单元1503号楼下快递柜", dict(building="12", room="1503")),
    ("成都市武侯区浆洗街街道锦绣花园2栋4单元801号楼下", dict(building="2", room="801")),
    ("杭州市西湖区文新街道嘉绿苑3号楼下", dict(building="3", room=None)),  # no unit: building 3
    ("杭州市西湖区文新街道嘉绿苑36幢5单元27号楼下", dict(room=None)),  # two digits: no room
]

CASES = (COMMUNITY_SHORT + ROOM_SUFFIX + STREET_JIE + DOOR_OR_BUILDING + COUNTY_STEM
         + STREET_KIND + ZONES + AMBIGUOUS_START + WAYBILL + HOUSE_FORMS + TYPO_CHILD + PINYIN
         + ROAD_SEGMENT + FORMER_REMARK + VILLAGE_TYPO + SOUNDS_ALIKE
         + OWN_CHILD_FIRST + SHORTER_WITH_CHILD + TYPO_FIRST + TYPO_TWICE
         + PINYIN_DISTRICT + TOWER_AFTER_DOOR + ENGLISH_ADDRESS
         + SHORT_DISTRICT_ROAD + COMMUNITY_KIND)


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse(text: str, expected: dict[str, str | None]) -> None:
    parsed = parse(text)
    assert {k: getattr(parsed, k) for k in expected} == expected


@pytest.mark.skipif(not native.available(), reason="native matcher unavailable (no C compiler)")
def test_native_parse_is_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, _ = both_ways([text for text, _ in CASES], monkeypatch)
    assert_same(fast, slow)
