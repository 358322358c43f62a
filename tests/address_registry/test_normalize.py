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
