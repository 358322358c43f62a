"""Normalization cases: width, traditional characters, numerals only next to markers."""

from __future__ import annotations

import pytest

from address_registry.normalize import chinese_numeral_to_int, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("３号楼２单元１０１室", "3幢2单元101室"),
        ("西湖區三墩鎮", "西湖区三墩镇"),
        ("十二號樓三單元二〇三室", "12幢3单元203室"),
        ("杭州九堡七堡五号楼", "杭州九堡七堡5幢"),
        ("三墩镇", "三墩镇"),
        ("五常街道", "五常街道"),
        ("九堡", "九堡"),
        ("十里坪村三组十五号", "十里坪村3组15号"),
        ("二十三幢", "23幢"),
        ("文一西路一百零五号", "文一西路105号"),
        ("A座", "A幢"),
        ("b栋", "B幢"),
        ("3#楼", "3幢"),
        ("第三层", "3层"),
        ("乾隆", "乾隆"),
        ("文三路（近学院路）12号", "文三路近学院路12号"),  # brackets go, their text stays
        ("杭州市（西湖区）翠苑街道", "杭州市西湖区翠苑街道"),
        ("德清乾元（直街社区）东风路1号", "德清乾元直街社区东风路1号"),  # 乾元: no 单元
        ("", ""),
        ("十 五号", "15号"),  # spaces go before numerals are read
        ("3 # 楼", "3幢"),
        ("第幢", "第幢"),  # a lone 第 before a marker is not a numeral
        ("第第三层", "第3层"),
        ("3栋栋", "3幢栋"),  # a synonym needs a number or letter right before it
        ("3##楼", "3幢楼"),
        ("三第三层", "三3层"),  # 第 goes with the numeral after it, not the one before
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a remark in brackets after a number or marker, or ending the text, goes with its text
        ("金都花园3幢2单元502室(近文三路口)", "金都花园3幢2单元502室"),
        ("南苑新村12幢301室（菜鸟驿站）", "南苑新村12幢301室"),
        ("华盖小区8幢1单元1202 （近解放街）", "华盖小区8幢1单元1202"),
        ("颐和公寓5幢602室【放快递柜】", "颐和公寓5幢602室"),
        ("红旗路88号3楼(近红旗路口)", "红旗路88号3楼"),
        ("科技园7幢1503室(前台代收)张三收", "科技园7幢1503室"),
        ("白云小区21幢601室［物业代收］", "白云小区21幢601室"),
        ("禾兴新村2-3-401（近勤俭路）", "禾兴新村2-3-401"),
        ("滨江路5号（东门）8幢", "滨江路5号8幢"),
        ("丽阳小区11幢2单元(3楼)203", "丽阳小区11幢2单元203"),
        ("阳光家园东区门卫室（放门口）", "阳光家园东区门卫室"),
        ("青田县温溪镇沙埠村（近村委会）", "青田县温溪镇沙埠村"),
        ("西湖区（三墩镇）紫金花园", "西湖区三墩镇紫金花园"),  # not after a marker: text stays
        ("3幢(a)(b)201", "3幢B201"),  # one remark per marker
        ("3幢((近)", "3幢"),
        # a bracket naming what the place was goes with its text wherever it stands
        ("杭州市拱墅区(原下城区)武林街道", "杭州市拱墅区武林街道"),
        ("宁波市鄞州区（原江东区）百丈街道", "宁波市鄞州区百丈街道"),
        ("萧山区[原萧山市]城厢街道", "萧山区城厢街道"),
        ("柯桥区（原柯桥镇）笛扬路", "柯桥区笛扬路"),
        ("龙港市（原苍南县）龙港大道", "龙港市龙港大道"),
        ("仓前街道(原仓前乡)良睦路", "仓前街道良睦路"),
        ("上城区（原野小区）3幢", "上城区原野小区3幢"),  # an estate's name (…小区) stays
        ("上城区（原来的厂房区域西面）", "上城区"),  # ending the text: goes as before
        ("上城区（原厂区）5幢", "上城区5幢"),
        # a slash separates the parts like a dash
        ("浙江省/杭州市/萧山区/北干街道", "浙江省杭州市萧山区北干街道"),
        ("温州市／瑞安市／安阳街道", "温州市瑞安市安阳街道"),
        ("湖北省/武汉市 / 武昌区", "湖北省武汉市武昌区"),
        ("工人北路1号3/2/501", "工人北路1号3-2-501"),
        ("金都花园A/1/1101", "金都花园A-1-1101"),
        # so do the long dashes
        ("山东省—济宁市—曲阜市", "山东省济宁市曲阜市"),
        ("湖南省 – 岳阳市 – 华容县", "湖南省岳阳市华容县"),
        ("福建省―莆田市―仙游县", "福建省莆田市仙游县"),
        ("民主路7号3—2—301", "民主路7号3-2-301"),
        # a mobile number in groups, masked or after the country code goes, wherever it stands
        ("李娜 139-5712-3456 广西桂林市七星区", "李娜广西桂林市七星区"),
        ("陈刚+86 13705711234 江苏省无锡市梁溪区", "陈刚江苏省无锡市梁溪区"),
        ("+86-15857112345 云南省大理市", "云南省大理市"),
        ("赵敏 186****3321 河北省保定市竞秀区", "赵敏河北省保定市竞秀区"),
        ("吴昊 １５９＊＊＊＊６６７８ 安徽省芜湖市", "吴昊安徽省芜湖市"),
        ("青年路8号5幢301 孙丽 177-0571-8899", "青年路8号5幢301"),
        ("白沙小区2幢1203 黄涛 +86 13912345678", "白沙小区2幢1203"),
        ("东方花园3幢502 徐静 135****1234", "东方花园3幢502"),
        # a character typed for one it looks like
        ("河北省石家庄巿长安区", "河北省石家庄市长安区"),
        ("东阳巿横店镇", "东阳市横店镇"),
        # a province or Zhejiang city in pinyin becomes its name when the letters are nothing else
        ("Zhejiang Province Hangzhou City 西湖区", "浙江省杭州市西湖区"),
        ("ZHEJIANG NINGBO 鄞州区", "浙江宁波鄞州区"),
        ("Jiangsu Sheng 南京市", "江苏省南京市"),
        ("guangdong 深圳市", "广东深圳市"),
        ("Ｔａｉｚｈｏｕ 椒江区", "台州椒江区"),
        ("Hangzhou Binjiang 长河街道", "杭州滨江长河街道"),  # 滨江 in the run's city
        ("Beijing Road 88", "BEIJINGROAD88"),
        ("shi 3幢", "SHI3幢"),  # 市 alone names nothing
        ("SHENGCITY", "SHENGCITY"),
        ("A座HUZHOU", "A幢湖州"),
        # 房 and 房间 after a digit mark a room
        ("翠湖苑2幢501房", "翠湖苑2幢501室"),
        ("三坊花园5栋802房间", "三坊花园5幢802室"),
        ("两房一厅", "两房一厅"),
        ("农房改造", "农房改造"),
        ("3号楼1201房", "3幢1201室"),
        # N号 after 附, 甲 or 乙 stays a door before a floor or room
        ("华苑路26号附3号2楼", "华苑路26号附3号2楼"),
        ("临顿路甲58号3楼", "临顿路甲58号3楼"),
        ("中山路乙12号201室", "中山路乙12号201室"),
        # not when it touches a letter, a digit or a dash, or is no mobile number
        ("138-0571-22334", "138-0571-22334"),
        ("12-138-0571-2233", "12-138-0571-2233"),
        ("A1381234", "A1381234"),
        ("湖滨路1231234号", "湖滨路1231234号"),
        ("8612345678901", "8612345678901"),
        # a name and a telephone number ending the text go
        ("大关小区5幢2单元301室 李明 138 0571 2233", "大关小区5幢2单元301室"),
        ("怡江苑3幢1202 王芳 15906661234", "怡江苑3幢1202"),
        ("秀水新村8-2-503 张伟 18857312345", "秀水新村8-2-503"),
        ("水阁小区7-1-602 何强 0578-2123456", "水阁小区7-1-602"),
        ("柯北小区12幢2单元1101室 周敏(收) 13957512345", "柯北小区12幢2单元1101室"),
        ("联洋花园21幢601室 欧阳娜娜 13601234567", "联洋花园21幢601室"),
        ("石曲小区2幢303 钱 13867612345", "石曲小区2幢303"),
        ("B座1502 Tom 13867612345", "B幢1502TOM13867612345"),  # the number touches a letter
        ("锦绣家园4幢201室 郑芳芳芳芳芳 19957012345", "锦绣家园4幢201室郑芳芳芳芳芳"),  # too long
        ("解放路88号 13867612345", "解放路88号"),
        ("宝龙广场 林峰 18425681421", "宝龙广场林峰"),  # after no number or marker
        # N号 after an estate's word is a building, not after a village's (a natural village)
        ("观美村村委会新村114号", "观美村村委会新村114号"),
        ("小源村 新村75号", "小源村新村75号"),
        ("溪口村民委员会新村158号", "溪口村民委员会新村158号"),
        ("孝顺新村15号", "孝顺新村15幢"),
        ("西关新村22号", "西关新村22幢"),
        ("阳光花园3号", "阳光花园3幢"),
        # N号 after a dashed door number is the door's sub-number, not a building
        ("育才路328-7号3单元1102室", "育才路328-7号3单元1102室"),
        ("解放路12-3号2单元301", "解放路12-3号2单元301"),
        ("新建南路8-2号1单元202室", "新建南路8-2号1单元202室"),
        ("金都花园7号3单元301", "金都花园7幢3单元301"),
    ],
)
def test_peoples_noise(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零五", 105),
     ("一二〇三", 1203), ("两", 2)],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_numeral_to_int(numeral) == value
