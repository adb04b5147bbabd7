"""Text-only reports that the keyword rules classify confidently (so they are dispatched, not queued for 人工派单):
Chinese hazard texts at landmarks of the demo city, each with a fresh uuid4."""
import json
import random
import uuid

from bench.intake.payloads import LANDMARKS

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


def report(rng: random.Random) -> tuple[str, bytes]:
    """One report: its client_uuid and its JSON body (text only, near a landmark)."""
    name, lat, lon = rng.choice(LANDMARKS)
    body_text = f"{rng.choice(OPENERS)}{name}{rng.choice(SPOTS)}{rng.choice(HAZARDS)}{rng.choice(CLOSERS)}"
    client_uuid = str(uuid.uuid4())
    body = {"client_uuid": client_uuid, "text": body_text,
            "lat": round(lat + rng.uniform(-0.002, 0.002), 6), "lon": round(lon + rng.uniform(-0.002, 0.002), 6)}
    return client_uuid, json.dumps(body, ensure_ascii=False).encode()


def reports(count: int, seed: int = 2026) -> list[tuple[str, bytes]]:
    """``count`` reports; the texts repeat across runs, the UUIDs never do."""
    rng = random.Random(seed)
    return [report(rng) for _ in range(count)]
