"""Realistic report bodies: Chinese text near landmarks of the demo city, a fresh uuid4 each."""
import json
import random
import uuid

# (landmark, lat, lon) in the demo city (server/demo/data/areas.json).
LANDMARKS = [
    ("桂花园小区", 28.23475, 112.906528), ("丹桂苑小区", 28.231833, 112.91224), ("桂花园菜市场", 28.2225, 112.90816),
    ("枫林公园", 28.21025, 112.926044), ("学士路小学", 28.1975, 112.90816), ("莲塘路下穿隧道", 28.1675, 112.92516),
    ("老码头农贸市场", 28.233, 112.94248), ("纺织厂宿舍", 28.233, 112.95848), ("东风路地铁站", 28.191667, 112.94248),
    ("万象汇购物中心", 28.178367, 112.943328), ("东湖公园", 28.221, 112.9745), ("新桥安置小区", 28.195, 112.97705),
]
SPOTS = ["", "门口", "东门旁边", "后面那条巷子", "停车场入口", "公交站对面", "3栋楼下", "12号楼2单元楼道里"]
HAZARDS = [
    "一股很重的煤气味，闻着头晕", "井盖不见了，晚上黑乎乎的很容易踩空", "电线垂下来了，离地面不到两米",
    "路面塌了一个大坑，车子都绕着走", "下水道堵了，积水快到膝盖", "那棵大树被风吹歪了，随时可能倒下来",
    "消防通道被电动车和杂物堵死了", "有人从楼上拉线给电动车充电", "外墙瓷砖大块往下掉，砸到了停着的车",
    "工地围挡倒在人行道上，行人只能走机动车道", "冒黑烟，味道很刺鼻，眼睛都睁不开", "护栏断了好几米，小孩经常在那边玩",
]
OPENERS = ["", "你好，", "紧急！", "麻烦管一下，", "喂 我是附近的居民 ", "报告一下，"]
CLOSERS = ["，请尽快派人处理", "，已经好几天了都没人管", "，太危险了！", "，拍了照片但是传不上来", "。", "，谢谢"]


def report(rng: random.Random, hazards=HAZARDS, spots=SPOTS, openers=OPENERS,
           closers=CLOSERS) -> tuple[str, bytes]:
    """One report: its client_uuid and its JSON body (opener, landmark, spot, hazard, closer, near the landmark)."""
    name, lat, lon = rng.choice(LANDMARKS)
    text = f"{rng.choice(openers)}{name}{rng.choice(spots)}{rng.choice(hazards)}{rng.choice(closers)}"
    client_uuid = str(uuid.uuid4())
    body = {"client_uuid": client_uuid, "text": text,
            "lat": round(lat + rng.uniform(-0.002, 0.002), 6), "lon": round(lon + rng.uniform(-0.002, 0.002), 6)}
    return client_uuid, json.dumps(body, ensure_ascii=False).encode()


def reports(count: int, seed: int = 2026, **words) -> list[tuple[str, bytes]]:
    """``count`` reports (``words``: other hazards, spots, openers, closers); the texts repeat across runs,
    the UUIDs never do."""
    rng = random.Random(seed)
    return [report(rng, **words) for _ in range(count)]
