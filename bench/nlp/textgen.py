"""Synthetic Chinese hazard-report texts for the text benchmark, varied like real intake."""

import random

PLACES = [
    "桂花园小区", "丹桂苑小区", "桂花园菜市场", "枫林公园", "学士路小学", "莲塘路下穿隧道", "老码头农贸市场",
    "纺织厂宿舍", "东风路地铁站", "万象汇购物中心", "东湖公园", "新桥安置小区", "桃花岭街道", "西岭区",
    "人民医院", "火车站南广场", "解放西路", "五一大道", "湘江中路", "滨江花园", "幸福里社区", "建设北路口",
]
SPOTS = [
    "", "门口", "东门旁边", "后面那条巷子", "停车场入口", "公交站对面", "3栋楼下", "12号楼2单元楼道里",
    "地下车库", "十字路口", "人行天桥下面", "菜市场后门", "小学门口", "垃圾站旁边", "7栋和8栋中间",
]
HAZARDS = [
    "一股很重的煤气味，闻着头晕", "井盖不见了，晚上黑乎乎的很容易踩空", "电线垂下来了，离地面不到两米",
    "路面塌了一个大坑，车子都绕着走", "下水道堵了，积水快到膝盖", "那棵大树被风吹歪了，随时可能倒下来",
    "消防通道被电动车和杂物堵死了", "有人从楼上拉线给电动车充电", "外墙瓷砖大块往下掉，砸到了停着的车",
    "工地围挡倒在人行道上，行人只能走机动车道", "冒黑烟，味道很刺鼻，眼睛都睁不开", "护栏断了好几米，小孩经常在那边玩",
    "电梯困人了，里面有老人", "有人在楼道里堆放液化气罐", "变压器一直在冒火花，噼里啪啦响",
    "路灯杆被撞歪了，马上要倒", "河堤有一段在渗水", "山坡上的石头往下滚，已经砸坏了护栏",
    "餐馆后厨油烟管道着火了", "窨井盖松动，车压过去就翘起来", "小区水管爆了，水漫到了配电房",
    "流浪狗咬人了，已经咬伤两个小孩", "化工厂那边有刺鼻的气味飘过来", "脚手架摇摇晃晃的，没有安全网",
]
DETAILS = [
    "", "昨天晚上就这样了，", "已经三天了，", "早上七点多发现的，", "下雨以后更严重了，", "刚才又看了一次，",
    "物业说不归他们管，", "打了好几次电话都没人接，", "旁边就是幼儿园，", "好多老人每天从这里经过，",
]
OPENERS = ["", "你好，", "紧急！", "麻烦管一下，", "喂 我是附近的居民 ", "报告一下，", "市民来电反映：", "巡查发现"]
CLOSERS = [
    "，请尽快派人处理", "，已经好几天了都没人管", "，太危险了！", "，拍了照片但是传不上来", "。", "，谢谢",
    "，希望相关部门重视", "，出了事谁负责？", "，请燃气公司上门检查", "，联系电话{phone}", "，车牌号{plate}",
]
EXTRAS = ["🔥", "😡", "！！", "…", "　", "\n", "（急）", "【投诉】"]
TRADITIONAL = {"气": "氣", "电": "電", "楼": "樓", "门": "門", "车": "車", "处理": "處理", "这": "這", "里": "裡"}
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _phone(rng: random.Random) -> str:
    """A made-up mobile number, sometimes written with separators."""
    digits = f"1{rng.choice('3456789')}{rng.randrange(10 ** 9):09d}"
    return digits if rng.random() < 0.7 else f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"


def _plate(rng: random.Random) -> str:
    """A made-up licence plate."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return rng.choice("湘京粤沪") + rng.choice("ABCDE") + "".join(rng.choice(letters) for _ in range(5))


def report_text(rng: random.Random) -> str:
    """One report: opener, place, spot, one or two hazards, detail, closer, occasional noise."""
    parts = [rng.choice(OPENERS), rng.choice(PLACES), rng.choice(SPOTS), rng.choice(DETAILS), rng.choice(HAZARDS)]
    if rng.random() < 0.35:
        parts.append("，还有" + rng.choice(HAZARDS))
    parts.append(rng.choice(CLOSERS).format(phone=_phone(rng), plate=_plate(rng)))
    if rng.random() < 0.2:
        parts.insert(rng.randrange(1, len(parts)), rng.choice(EXTRAS))
    text = "".join(parts)
    if rng.random() < 0.05:
        for simple, traditional in TRADITIONAL.items():
            text = text.replace(simple, traditional)
    if rng.random() < 0.05:
        text = text.translate(FULL_WIDTH)
    return text


def report_texts(count: int, seed: int = 2026) -> list[str]:
    """Return count report texts, the same ones for the same seed."""
    rng = random.Random(seed)
    return [report_text(rng) for _ in range(count)]
