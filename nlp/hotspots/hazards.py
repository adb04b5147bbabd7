"""What hazard a report is about, from a lexicon of the ways people name each one (for pairs and labels).

Two reports naming different acute hazards (a flood and a missing manhole cover on one street) are two
incidents however close they are. Nuisances (noise, dust, muck trucks, site cracks) from one development are
one issue, so they never conflict with each other.
"""

import re

import numpy as np

# kind -> (display name, group, pattern over normalised text). Group "nuisance" kinds do not conflict.
KINDS = {
    "gas": ("燃气泄漏", "acute", "燃气|煤气|天然气|液化气|管道气|瓦斯|漏气|臭鸡蛋味|气味.{0,4}(泄漏|泄露)|燃起味|然气|梅气|煤汽"),
    "flood": ("道路积水", "acute", "积水|集水|淹|涝|泡水|泡在水|水漫|水深|水涨|倒灌|排水不畅|汪洋|变成.{0,2}河|成了河|过膝|漫到"),
    "manhole": ("井盖缺失", "acute", "井盖|井概|窨井|检查井|污水井|雨水井|井口|篦子|下水道盖"),
    "fire_exit": ("消防通道堵塞", "acute", "消防通道|消防车道|消方通道|消防车.{0,4}进不|安全出口|疏散通道|逃生门|逃生通道|"
                  "应急出口|救火车的道|楼梯间.{0,3}(堆|塞|放)"),
    "electric": ("私拉电线", "acute", "电线|店线|飞线|私拉|电缆|插线板|充电|冲电|配电箱|电箱|漏电|高压线|电瓶车|电动车"),
    "facade": ("外墙脱落", "acute", "瓷砖|磁砖|墙皮|外墙|外立面|墙面|保温层|脱落|砸到|悬在|掉下来|崩落|砖面|外机架"),
    "tree": ("树木倒伏", "acute", "树.{0,4}(倒|断|歪|劈)|倒了.{0,3}树|树枝|树杈|行道树"),
    "fire": ("火情", "acute", "着火|起火|失火|火光|火苗|冒烟|帽烟|黑烟|浓烟|烧起来|焦糊|烧焦"),
    "elevator": ("电梯故障", "acute", "电梯|电题|升降梯|轿厢|困人|关人"),
    "chemical": ("化学品异味", "acute", "化学|刺鼻|偷排|油漆味|化工|黄烟"),
    "food": ("食品安全", "acute", "拉肚子|呕吐|上吐下泻|食物中毒|腹泻|饭菜.{0,3}问题|过期食品|变质|后厨|食品卫生"),
    "collapse": ("路面塌陷", "acute", "塌陷|踏陷|塌了|塌方|大坑|地陷"),
    "water": ("供水水质", "acute", "自来水|水龙头|水质|停水|爆管|水管.{0,2}(爆|破)"),
    "dog": ("动物伤人", "acute", "流浪狗|野狗|咬人|咬伤|没拴绳|恶犬"),
    "light": ("信号灯路灯故障", "acute", "红绿灯|信号灯|路灯"),
    "noise": ("施工噪音", "nuisance", "噪音|噪声|燥音|吵|打桩|轰隆|嗡嗡|半夜.{0,4}(施工|干活)|夜里赶工|扰民"),
    "dust": ("扬尘", "nuisance", "扬尘|灰尘|尘土|满天灰|裸露|黄土|粉尘|灰.{0,2}飞"),
    "trucks": ("渣土车", "nuisance", "渣土车|泥头车|拉土|运料|大车|卡车|撒了一路"),
}
_COMPILED = {k: re.compile(v[2]) for k, v in KINDS.items()}
_BIT = {k: 1 << i for i, k in enumerate(KINDS)}
_NUISANCE = sum(_BIT[k] for k, v in KINDS.items() if v[1] == "nuisance")


def kinds(text: str) -> frozenset:
    """Return the hazard kinds a (normalised) text names."""
    return frozenset(k for k, rx in _COMPILED.items() if rx.search(text or ""))


def conflict(a: frozenset, b: frozenset) -> bool:
    """Tell whether two reports name different hazards: both name one, share none, and not all nuisances."""
    if not a or not b or a & b:
        return False
    return not all(KINDS[k][1] == "nuisance" for k in a | b)


def display(kind: str) -> str:
    """Return the Chinese name of a hazard kind (for labels)."""
    return KINDS[kind][0]


def mask(text: str) -> int:
    """Return the kinds a text names as a bit mask."""
    return sum(_BIT[k] for k in kinds(text))


def masks(texts) -> np.ndarray:
    """Return the hazard masks of texts."""
    return np.array([mask(t) for t in texts], dtype=np.int64)


def conflicts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return, elementwise, whether masks a and b name different hazards (see conflict)."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    return ((a != 0) & (b != 0) & ((a & b) == 0) & (((a | b) & ~_NUISANCE) != 0)).astype(np.float32)


def shared(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return, elementwise, whether masks a and b name a common acute hazard (said in any words)."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    return ((a & b & ~_NUISANCE) != 0).astype(np.float32)


def nuisances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return, elementwise, whether masks a and b both name a nuisance of a development (not necessarily one)."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    return (((a & _NUISANCE) != 0) & ((b & _NUISANCE) != 0)).astype(np.float32)


def kinds_of(mask: int) -> list[str]:
    """Return the kinds in a bit mask, in KINDS order."""
    return [k for k, bit in _BIT.items() if mask & bit]
