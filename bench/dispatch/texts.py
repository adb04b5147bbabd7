"""Text-only reports that the keyword rules classify confidently (so they are dispatched, not queued for 人工派单):
Chinese hazard texts at landmarks of the demo city, each with a fresh uuid4."""

from bench.intake import payloads

SPOTS = ["", "门口", "东门旁边", "后面那条巷子", "停车场入口", "公交站对面", "3栋楼下", "12号楼2单元"]
# One clear hazard each; the category the keyword rules give it is in the comment.
HAZARDS = [
    "楼道里一股很重的煤气味，怀疑燃气泄漏",  # accident.gas_leak
    "有户人家燃气管道漏气了，闻着头晕",  # accident.gas_leak
    "暴雨后积水很深，地下车库进水了",  # natural_disaster.flood_waterlogging
    "下水道堵塞，路面积水没过膝盖",  # natural_disaster.flood_waterlogging
    "消防通道被杂物堵死了，消防车进不来",  # accident.fire_hazard
    "井盖缺失，路面塌陷了一个大坑",  # accident.road_facility
    "电梯困人，电梯门打不开",  # accident.special_equipment
    "大树倒伏压住了半边马路",  # natural_disaster.tree_fall
    "小摊卖的食品过期发霉，吃了拉肚子",  # public_health.food_safety
    "工厂偷排污水，河水发黑发臭",  # public_health.environmental_pollution
]
OPENERS = ["", "你好，", "紧急！", "麻烦管一下，", "报告一下，"]
CLOSERS = ["，请尽快派人处理", "，太危险了！", "。", "，谢谢"]


def reports(count: int, seed: int = 2026) -> list[tuple[str, bytes]]:
    """``count`` reports (client_uuid, JSON body); the texts repeat across runs, the UUIDs never do."""
    return payloads.reports(count, seed, hazards=HAZARDS, spots=SPOTS, openers=OPENERS, closers=CLOSERS)
