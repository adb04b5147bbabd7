"""Hand-written demo report texts, read by build_city.py.

Each report is a dict with ``text`` and optional keys: ``cat`` (category
hint), ``ch`` (channel, default "app"), ``anon``, ``coords`` (False: no
lat/lon, the place is named in the text), ``addr``, ``photo``, ``voice``,
``who`` (a fixed reporter username) and ``t`` (hours after the incident's
first report).  Incident reports are listed in the order they came in.
Phone, plate and ID numbers in the texts are made up, to exercise masking.
"""

FLOOD = "natural_disaster.flood_waterlogging"
GEO = "natural_disaster.geological"
WEATHER = "natural_disaster.extreme_weather"
TREE = "natural_disaster.tree_fall"
GAS = "accident.gas_leak"
FIRE = "accident.fire_hazard"
ELEC = "accident.electrical"
BUILDING = "accident.building_safety"
ROAD = "accident.road_facility"
TRAFFIC = "accident.traffic_safety"
EQUIP = "accident.special_equipment"
CHEM = "accident.hazardous_chemicals"
SITE = "accident.construction_site"
FOOD = "public_health.food_safety"
DISEASE = "public_health.infectious_disease"
POLLUTION = "public_health.environmental_pollution"
WATER = "public_health.drinking_water"
ANIMAL = "public_health.animal_hazard"
ORDER = "social_security.public_order"
CROWD = "social_security.crowd_safety"
SCHOOL = "social_security.school_safety"
DISPUTE = "social_security.dispute"

R = dict

INCIDENTS = [
    {
        "id": "inc01", "title": "桂花园小区7栋燃气泄漏",
        "landmark": "桂花园小区", "offset_m": (25.0, -20.0),
        "start_hours_ago": 30.0, "span_hours": 5.0,
        "reports": [
            R(text="桂花园小区7栋楼道里好大一股煤气味，像是哪家漏气了，闻着头晕", cat=GAS,
              who="13800000001", addr="桂花园小区7栋"),
            R(text="7栋2单元一进门就是燃气味，臭鸡蛋那种，有没有人管一下啊"),
            R(text="喂 我是桂花园7栋的 楼道里煤气味好重 我不敢开灯 你们快派人来看一下", voice=True),
            R(text="市民来电反映：桂花园小区7栋2单元3楼至5楼楼道内有明显燃气异味，持续约半小时，"
                   "来电人已开窗通风，请求燃气公司尽快上门检查。回访电话13975126638。",
              cat=GAS, ch="hotline", coords=False, addr="西岭区桃花岭街道桂花园小区7栋2单元"),
            R(text="煤气味越来越重了！！7栋好多人都下楼了", photo="gas"),
            R(text="巡查发现桂花园小区7栋2单元楼道燃气异味明显，已通知住户关闭燃气总阀、开窗通风，"
                   "禁止使用明火和开关电器，现场拉警戒，请燃气集团速派抢修。",
              cat=GAS, ch="patrol", photo="gas", addr="桂花园小区7栋2单元"),
            R(text="我家就在7栋隔壁8栋，窗户打开都能闻到气味，是不是管道破了", anon=True),
            R(text="桂花园小区7栋附近燃气泄漏气味已持续一个多小时，现场尚未见到抢修人员，"
                   "楼内有老人和小孩，存在爆炸隐患，请相关部门立即处理。", cat=GAS, ch="web"),
            R(text="7棟煤氣味很重，請儘快派人處理，樓裡有老人"),
            R(text="燃气味道是从502那家传出来的，敲门没人应，家里好像没人", addr="7栋2单元"),
            R(text="来电人称其住桂花园小区7栋，楼道燃气味重，怀疑502住户燃气灶未关或软管老化，"
                   "该户无人在家，请求处置。", ch="hotline", coords=False, addr="桂花园小区7栋502"),
            R(text="楼下燃气表那里嘶嘶响，凑近闻味道最大", photo="gas"),
            R(text="你好 桂花园小区七栋啊 还是有煤气味 刚才有人在楼下抽烟 太危险了 赶紧来人",
              voice=True),
            R(text="物业说联系了燃气公司，怎么还没来？都快两个小时了"),
            R(text="燃气集团抢修人员已到场，正在排查7栋2单元立管，网格员配合疏散2单元住户12户，"
                   "现场秩序正常。", cat=GAS, ch="patrol", photo="gas"),
            R(text="小孩放学回来不敢进楼，7栋这个情况到底安不安全，给个说法", cat=GAS),
            R(text="气味淡了一些，但3楼还是有，窗户都开着"),
            R(text="建议对桂花园小区老旧燃气管道进行全面排查。7栋今天这种情况不是第一次了，去年冬天也闻到过，"
                   "当时燃气公司来人看了一下说没事就走了。小区是2003年交房的，楼道里的燃气立管锈得很厉害，"
                   "有的住户自己改过管子，物业也说不清楚。希望这次查彻底，给住户一个书面结论。",
              cat=GAS, ch="web", coords=False),
        ],
    },
    {
        "id": "inc02", "title": "老码头农贸市场消防通道堵塞",
        "landmark": "老码头农贸市场", "offset_m": (40.0, 30.0),
        "start_hours_ago": 150.0, "span_hours": 72.0,
        "reports": [
            R(text="老码头农贸市场后面的消防通道被摆摊的和三轮车堵死了，万一着火消防车根本进不来",
              cat=FIRE, photo="fire_lane"),
            R(text="菜市场北门那条消防通道天天停满车，有辆白色面包车湘A7M29X停了好几天没动过",
              photo="fire_lane"),
            R(text="市民来电反映：滨江区老码头农贸市场东侧消防通道长期被商贩占用堆放货物，"
                   "通道宽度不足一米，存在消防安全隐患，要求执法部门清理。",
              cat=FIRE, ch="hotline", coords=False, addr="滨江区湘春街道老码头农贸市场东侧"),
            R(text="消防通道上全是泡沫箱、菜筐，还有人拉了电线搞冷柜", cat=FIRE, photo="fire_lane"),
            R(text="老码头市场的消防通道问题反映过不止一次了，每次城管来了清一下，第二天又堆满。"
                   "市场里面都是木板隔的摊位，电线乱拉，冬天还有人用炭火盆取暖，真要着起火来后果不堪设想。"
                   "希望市场开办方、街道和执法部门一起建立长效管理机制，划线、装地桩，不要只搞运动式清理。",
              ch="web", coords=False),
            R(text="早上送货的货车全停在消防通道上，救护车上次进来都调不了头", anon=True,
              photo="fire_lane"),
            R(text="就是老码头菜市场那个后门啊 消防通道又堵了 全是板车 你们管不管", voice=True),
            R(text="今天又堵上了，拍了照片，市场管理方说不归他们管", photo="fire_lane"),
            R(text="来电人系老码头农贸市场附近居民，反映市场消防通道被湘AD3526等多辆车辆占用，"
                   "来电人联系电话18673310092，希望尽快处理。",
              cat=FIRE, ch="hotline", coords=False, addr="老码头农贸市场"),
            R(text="消防通道占用还没解决，通道口的消防栓也被货物挡住了", cat=FIRE),
        ],
    },
    {
        "id": "inc03", "title": "莲塘路下穿隧道暴雨积水",
        "landmark": "莲塘路下穿隧道", "offset_m": (0.0, 0.0),
        "start_hours_ago": 53.0, "span_hours": 6.0,
        "reports": [
            R(text="莲塘路下穿隧道积水了！水已经到小腿肚，有车熄火在里面", cat=FLOOD, photo="water"),
            R(text="喂 莲塘路那个隧道 水好深 好几台车泡在里面了 赶快封路啊", voice=True),
            R(text="市民来电反映：莲塘路下穿隧道因强降雨严重积水，水深约50厘米，已有两辆小车被困，"
                   "请求交警及排水部门到场处置。",
              cat=FLOOD, ch="hotline", coords=False, addr="西岭区莲塘路下穿隧道"),
            R(text="隧道口水还在涨，没人拦，还有电动车往里冲", photo="water"),
            R(text="下穿通道的排水泵是不是坏了？每次下大雨都淹，年年说改造年年淹", cat=FLOOD),
            R(text="莲塘路隧道里有辆出租车湘A·T5823熄火了，司机站车顶上，快来人", photo="water"),
            R(text="建议在莲塘路下穿隧道入口设置积水水位警示牌和自动拦截杆，今天暴雨又淹了，十分危险。",
              cat=FLOOD, ch="web", coords=False),
            R(text="莲塘隧道积水了 水很深 大家千万别往这边开", anon=True),
            R(text="水淹到车门了，隧道两头都堵死了，绕行莲塘新村那边也慢", photo="water",
              who="13800000001"),
            R(text="来电人称驾车途经莲塘路隧道时车辆涉水熄火，本人已脱困，车辆仍在隧道内，"
                   "车牌湘A3L8K6，请求救援拖车。", ch="hotline", coords=False, addr="莲塘路下穿隧道"),
            R(text="現在隧道裡面的水大概有半米深，還在下雨"),
            R(text="交警到了，在拉警戒线，但是水还没退，抽水车呢？", photo="water"),
            R(text="隧道这边还是淹着的 水泵房那边好像没电 一直没抽", voice=True),
            R(text="莲塘路下穿隧道排水能力不足，雨停后已三个多小时仍有大量积水，影响早高峰通行。",
              cat=FLOOD, ch="web"),
            R(text="水退得差不多了，隧道里全是淤泥，路面很滑，建议冲洗后再放行", cat=ROAD,
              photo="water"),
        ],
    },
    {
        "id": "inc04", "title": "金霞路井盖缺失",
        "landmark": "金霞路小学", "offset_m": (60.0, -10.0),
        "start_hours_ago": 20.0, "span_hours": 10.0,
        "reports": [
            R(text="金霞路小学门口往东50米人行道上井盖不见了，一个大黑洞，小孩子上学要经过",
              cat=ROAD, photo="manhole"),
            R(text="金霞路上有个阴井盖没了，晚上路灯暗根本看不见，刚才差点一脚踩进去",
              photo="manhole"),
            R(text="市民来电反映：东湖区金霞路金霞路小学东侧人行道一处井盖缺失，已有行人险些跌落，"
                   "请求尽快设置警示并补装井盖。",
              cat=ROAD, ch="hotline", coords=False, addr="东湖区金霞路（金霞路小学东侧）"),
            R(text="放了个锥桶在旁边，但是被风吹倒了，还是很危险", photo="manhole"),
            R(text="金霞路那个井盖 到现在还没盖上 学校马上放学了", voice=True),
            R(text="金霞路小学附近井盖缺失问题请尽快处理，据了解可能是被人偷了，建议换成防盗井盖。",
              ch="web", coords=False),
            R(text="井盖丢了，下面是雨水管，挺深的", anon=True, photo="manhole", cat=ROAD),
            R(text="谁家的井？打了城管和自来水公司都说不是他们的，踢皮球"),
        ],
    },
    {
        "id": "inc05", "title": "学士路小学食堂疑似食物中毒",
        "landmark": "学士路小学", "offset_m": (-30.0, 20.0),
        "start_hours_ago": 76.0, "span_hours": 22.0,
        "reports": [
            R(text="孩子在学士路小学吃完午饭回来就吐，班上好几个同学都不舒服，是不是食堂的饭菜有问题",
              cat=FOOD),
            R(text="我家孩子三年级，下午肚子痛拉肚子，老师说班里有七八个，都是在学校食堂吃的饭"),
            R(text="家长来电反映：学士路小学多名学生中午在学校食堂就餐后出现呕吐、腹泻、发热症状，"
                   "部分学生已送西岭区人民医院就诊，请求卫生和市场监管部门介入调查。"
                   "来电人电话13607318845。",
              cat=FOOD, ch="hotline", coords=False, addr="西岭区望岳街道学士路小学"),
            R(text="我是学士路小学的家长 我小孩上吐下泻 现在在医院打吊针 医生说像是食物中毒 "
                   "学校到现在没个说法", voice=True),
            R(text="西岭人民医院急诊来了好多学士路小学的孩子，家长都在走廊上，医生忙不过来",
              coords=False),
            R(text="学士路小学食堂今天中午的菜有凉拌黄瓜和卤肉，怀疑卤肉不新鲜，请对食堂留样进行检测。",
              cat=FOOD, ch="web", coords=False),
            R(text="学校食堂承包给外面公司的，早就有家长说饭菜有异味，一直没人管", anon=True),
            R(text="孩子说今天中午的饭是酸的，吃了几口没吃，好几个吃完了的都吐了", cat=FOOD),
            R(text="學士路小學食堂出事了，很多學生食物中毒，家長群都炸了"),
            R(text="来电人为学士路小学五年级学生家长，称孩子腹泻并发烧38.5度，要求学校公开当日食堂"
                   "食材来源并给予答复。", ch="hotline", coords=False, addr="学士路小学"),
            R(text="学校发通知说明天食堂暂停供餐，让自己带饭，到底什么原因也不说清楚", cat=SCHOOL),
            R(text="请教育局督促学士路小学如实通报食堂事件情况，目前家长群信息混乱，谣言很多。",
              ch="web", coords=False),
            R(text="今天又有两个孩子请假了，说是昨天的症状还没好"),
            R(text="我们家孩子已经好了 就是想问一下 检测结果什么时候出来 要给家长一个交代",
              voice=True),
        ],
    },
    {
        "id": "inc06", "title": "丹桂苑小区飞线充电",
        "landmark": "丹桂苑小区", "offset_m": (-20.0, 15.0),
        "start_hours_ago": 200.0, "span_hours": 130.0,
        "reports": [
            R(text="巡查发现丹桂苑小区3栋1单元有住户从5楼窗户拉电线至楼下为电动车充电，飞线长约15米，"
                   "已口头劝阻，建议物业加装集中充电桩。",
              cat=FIRE, ch="patrol", photo="ebike", addr="丹桂苑小区3栋1单元"),
            R(text="丹桂苑3栋有人从楼上吊个插线板下来给电瓶车充电，晚上电线就挂在过道上",
              photo="ebike"),
            R(text="楼道里每天晚上停三四台电动车充电，堵在楼梯口，着火了人都跑不出去", anon=True,
              cat=FIRE),
            R(text="市民来电反映：丹桂苑小区多栋楼存在飞线充电及电动车进楼道充电现象，物业管理不到位，"
                   "存在火灾隐患，请求相关部门督促整改。",
              cat=FIRE, ch="hotline", coords=False, addr="西岭区桃花岭街道丹桂苑小区"),
            R(text="又看到飞线了，1楼那户直接从窗户拉插座出来，下雨天也在充", photo="ebike",
              cat=ELEC),
            R(text="丹桂苑小区里面 电动车乱充电 拉得到处都是线 物业也不管 你们来看看", voice=True),
            R(text="复查丹桂苑小区飞线充电整改情况：3栋已拆除，6栋、9栋仍有2处飞线，"
                   "已拍照留存并再次下发整改告知书。", cat=FIRE, ch="patrol", photo="ebike"),
            R(text="丹桂苑小区至今没有建充电桩，居民只能飞线充电，堵不如疏，"
                   "建议街道协调在小区东门空地建设集中充电棚。", ch="web"),
        ],
    },
    {
        "id": "inc07", "title": "大风后福源商厦广告牌松动、行道树倾斜",
        "landmark": "福源商厦", "offset_m": (0.0, -40.0),
        "start_hours_ago": 52.5, "span_hours": 8.0,
        "reports": [
            R(text="福源商厦门口那棵大樟树被风刮歪了，斜在人行道上，根都翘起来了", cat=TREE,
              photo="tree"),
            R(text="福源商厦楼顶的广告牌一边松了，风一吹哐当哐当响，下面全是人", photo="generic"),
            R(text="福源路这边风好大 商场那个大招牌在晃 好吓人 赶紧叫人来", voice=True),
            R(text="市民来电反映：滨江区福源商厦外墙大型广告牌受大风影响出现松动、一角脱落悬挂，"
                   "下方为公交站台，行人较多，请求立即处置。",
              cat=WEATHER, ch="hotline", coords=False, addr="滨江区福源路福源商厦"),
            R(text="大树已经压在一辆车上了，幸好没人，路边停车的赶快挪车", photo="tree", cat=TREE),
            R(text="广告牌下面的公交站还有人在等车，有没有人去拉一下警戒线啊！！"),
            R(text="大风过后福源商厦周边多处隐患：行道树倾斜、广告牌松动、空调外机支架摇晃，"
                   "建议城管和住建部门联合排查。", cat=WEATHER, ch="web", coords=False),
            R(text="那个招牌上面的铁皮已经掉了一块下来，砸在地上好大声", anon=True,
              photo="generic"),
            R(text="园林的人来了在锯树，广告牌还没人管", photo="tree"),
            R(text="福源商廈的招牌還掛著，風一大又要掉，請快拆除", cat=WEATHER),
        ],
    },
    {
        "id": "inc08", "title": "纺织厂宿舍外墙瓷砖脱落",
        "landmark": "纺织厂宿舍", "offset_m": (15.0, 10.0),
        "start_hours_ago": 105.0, "span_hours": 50.0,
        "reports": [
            R(text="纺织厂宿舍2栋外墙瓷砖又掉了，落在楼下停车棚上，砸了个大坑", cat=BUILDING,
              photo="facade", addr="纺织厂宿舍2栋"),
            R(text="老楼外墙的砖一块一块往下掉，我们每天出门都要贴着墙跑", photo="facade"),
            R(text="市民来电反映：福源巷纺织厂宿舍2栋（约1985年建成）外墙饰面砖大面积空鼓脱落，"
                   "已砸坏一辆电动车，请求住建部门鉴定并设置防护。",
              cat=BUILDING, ch="hotline", coords=False, addr="滨江区福源巷纺织厂宿舍2栋"),
            R(text="纺织厂宿舍这个楼 外墙掉东西下来 差点砸到我老伴 你们一定要管一管", voice=True),
            R(text="楼下拉了一根绳子就算警戒了？小孩子照样从下面走", anon=True, photo="facade"),
            R(text="纺织厂宿舍属于老旧小区，无物业管理，外墙脱落问题已向社区反映多次，"
                   "希望纳入老旧小区改造计划。", cat=BUILDING, ch="web", coords=False),
            R(text="今天早上又掉了一块，就在单元门口，有巴掌那么大，明天在掉下来砸到人怎么办",
              photo="facade"),
            R(text="能不能先搭个防护网？下雨天外墙渗水，掉得更厉害", cat=BUILDING, photo="facade"),
            R(text="来电人（身份证号430102197803152046）称其为纺织厂宿舍2栋业主，外墙脱落至今未处理，"
                   "要求明确责任主体及维修资金来源。",
              ch="hotline", coords=False, addr="纺织厂宿舍2栋", who="13800000023"),
        ],
    },
    {
        "id": "inc09", "title": "新河大厦电梯反复困人",
        "landmark": "新河大厦", "offset_m": (-10.0, 0.0),
        "start_hours_ago": 190.0, "span_hours": 170.0,
        "reports": [
            R(text="新河大厦2号电梯又困人了，我在里面关了二十分钟，按警铃没人理", cat=EQUIP),
            R(text="新河大厦的电梯这个月第三次出问题了，物业因该早就知道，就是不换"),
            R(text="市民来电反映：五一街道新河大厦2单元电梯频繁故障困人，本周已发生两次，"
                   "请求市场监管部门督促维保单位检修。回访电话15116288870。",
              cat=EQUIP, ch="hotline", coords=False, addr="滨江区五一街道新河大厦2单元"),
            R(text="我现在被关在电梯里面 新河大厦 十八楼和十九楼中间 快来人", voice=True),
            R(text="电梯门开关的时候会突然往下坠一下，好多老人都不敢坐了", anon=True),
            R(text="新河大厦电梯年检标志显示已过期，维保记录也不全，申请有关部门检查电梯使用登记"
                   "和维保情况。", cat=EQUIP, ch="web", coords=False),
            R(text="今天早上8点电梯又停在12楼不动，里面有个抱小孩的，消防来了才救出来",
              photo="generic", cat=EQUIP),
            R(text="新河大廈電梯又壞了，住30樓的老人家下不了樓"),
            R(text="物业贴了通知说等配件，已经停运三天了，高层住户怎么办", photo="generic"),
            R(text="来电人称新河大厦电梯维修后仍频繁异响、平层不准，担心再次困人，"
                   "要求彻底检修并公示维保单位联系方式。",
              ch="hotline", coords=False, addr="新河大厦"),
        ],
    },
    {
        "id": "inc10", "title": "新桥化工厂夜间异味",
        "landmark": "新桥安置小区", "offset_m": (-110.0, 0.0),
        "start_hours_ago": 13.0, "span_hours": 11.0,
        "reports": [
            R(text="新桥安置小区这边晚上一股刺鼻的化学味，像油漆又像烧塑料，关着窗都能闻到",
              cat=POLLUTION),
            R(text="又来了！宏达化工厂晚上偷排，味道熏得喉咙痛"),
            R(text="新桥这边啊 化工厂那个味道 好呛 小孩一直咳嗽 你们环保的晚上查一下", voice=True),
            R(text="市民来电反映：东湖区新桥社区宏达精细化工厂夜间排放刺激性气体，周边新桥安置小区"
                   "居民出现咽喉不适、眼睛刺痛，请求生态环境部门夜间突击检查。",
              cat=POLLUTION, ch="hotline", coords=False, addr="东湖区双塘街道宏达精细化工厂"),
            R(text="眼睛辣辣的，窗户缝都塞了毛巾还是有味道"),
            R(text="这个厂白天不开工，专门晚上十点以后生产，大家注意一下时间规律", anon=True),
            R(text="厂区那边烟囱在冒黄烟，拍了视频但是传不上来", photo="generic", cat=POLLUTION),
            R(text="宏达精细化工厂距新桥安置小区不足500米，多年来异味扰民问题反复出现，每次投诉后消停几天，"
                   "过一阵又开始，而且总是在晚上。小区里有两千多户居民，还有新桥小学，孩子们天天闻这个味道。"
                   "请公开该企业的环评批复、排污许可和在线监测数据，并依法查处。",
              cat=POLLUTION, ch="web", coords=False),
            R(text="是不是泄漏了？味道比平时重很多，要不要疏散", cat=CHEM),
            R(text="我家老人哮喘发作了，这个味道真的受不了"),
            R(text="来电人称居住在新桥安置小区5栋，凌晨一点左右闻到强烈刺鼻气味，伴有头晕，"
                   "怀疑附近化工厂发生泄漏，请求核实。联系电话17707315562。",
              cat=CHEM, ch="hotline", coords=False, addr="新桥安置小区5栋"),
            R(text="新橋那邊化工廠又在排氣，味道很嗆"),
            R(text="现在是凌晨两点 味道还是很大 睡不着 有没有人来管啊", voice=True),
            R(text="小区群里几十个人在说这个事，大家都闻到了，不是个别人"),
            R(text="强烈建议对宏达精细化工厂周边布设空气质量在线监测点，数据向居民公开。",
              ch="web"),
            R(text="刚看到环保局的车进厂了，希望这次能查出点东西", photo="generic"),
            R(text="风往小区这边吹的时候最明显，东南风的时候基本没有"),
            R(text="工厂后面那条沟的水也是黄的，有股怪味，可能还偷排废水", anon=True,
              cat=POLLUTION, photo="water"),
            R(text="天亮了味道散了一些，但是昨晚真的一夜没睡好"),
            R(text="希望公布检测结果，别又是不了了之", cat=POLLUTION),
        ],
    },
    {
        "id": "inc11", "title": "枫林公园流浪犬伤人",
        "landmark": "枫林公园", "offset_m": (30.0, 30.0),
        "start_hours_ago": 100.0, "span_hours": 70.0,
        "reports": [
            R(text="枫林公园里有条黄色的流浪狗咬人，刚刚把一个晨练的阿姨腿咬出血了", cat=ANIMAL),
            R(text="公园东门那边有好几条野狗，带小孩去玩被追了一路", addr="枫林公园东门"),
            R(text="市民来电反映：西岭区枫林公园内有流浪犬聚集并伤人，其母亲晨练时被咬伤，"
                   "已前往疾控中心接种狂犬疫苗，请求有关部门尽快捕捉。",
              cat=ANIMAL, ch="hotline", coords=False, addr="西岭区枫林公园"),
            R(text="枫林公园那个狗又咬人了 这次咬的是个小孩 你们到底抓不抓", voice=True),
            R(text="有人天天在公园喂流浪狗，狗越来越多，晚上成群结队的", anon=True),
            R(text="被咬了，去打了疫苗，花了好几百，这个谁负责？", cat=ANIMAL),
            R(text="枫林公园流浪犬伤人事件已发生多起，建议城管、公安联合开展流浪犬收容，"
                   "并在园内设置警示牌。", cat=ANIMAL, ch="web", coords=False),
            R(text="今天看到有人来抓狗了，抓走两条，还有一条黄的跑了", photo="generic"),
        ],
    },
    {
        "id": "inc12", "title": "东风路地铁站夜间人流拥堵",
        "landmark": "东风路地铁站", "offset_m": (20.0, -25.0),
        "start_hours_ago": 42.0, "span_hours": 25.5,
        "reports": [
            R(text="东风路地铁站2号出口晚上十点多人挤人，演唱会散场全往这边涌，楼梯上差点有人摔倒",
              cat=CROWD, t=0.0),
            R(text="地铁口扶梯停了，人全堵在楼梯上下不来，太危险了", t=0.3),
            R(text="东风路地铁站这里人太多了 挤都挤不动 有老人小孩 赶快派人来疏导一下", voice=True,
              t=0.45),
            R(text="市民来电反映：五一街道东风路地铁站B出口夜间大量人员聚集，出口处有流动摊贩占道，"
                   "人流对冲严重，存在踩踏隐患，请求公安及地铁运营方加强疏导。",
              cat=CROWD, ch="hotline", coords=False, addr="滨江区东风路地铁站B出口", t=0.9),
            R(text="出口外面全是摆摊的和网约车，把人行道占完了，人只能往马路上走", t=1.2,
              photo="generic"),
            R(text="万象汇周末夜间活动结束后，东风路地铁站进站口长时间排队，无限流栏杆，"
                   "建议增加安保和临时限流措施。", cat=CROWD, ch="web", coords=False, t=12.0),
            R(text="今晚又是这样，出站闸机只开了两个，后面推推搡搡的", anon=True, t=24.5),
            R(text="站外停了好多电动车，把逃生通道堵住了一半", photo="generic", t=25.5),
        ],
    },
]

# Singletons: "landmark" places the report near a landmark, "grid" anywhere in
# that grid.  Patrol reports stay in grid01's own grid.
G01 = "D01-S01-C01-G01"

SINGLETONS = [
    # Patrol reports by grid01 in 桂花园社区第一网格.
    R(text="巡查发现桂花路与岭南巷交叉口一处路灯杆底部检修门缺失，内部电线裸露，距地面约30厘米，"
           "已设置临时围挡，请供电公司或城管处理。", cat=ELEC, ch="patrol", grid=G01,
      photo="generic", addr="桂花路与岭南巷交叉口"),
    R(text="桂花园小区北门外人行道井盖破损下沉约5厘米，已放置警示锥，请相关权属单位更换。",
      cat=ROAD, ch="patrol", landmark="桂花园小区", photo="manhole"),
    R(text="入户走访发现桂花园小区12栋一楼独居老人家中使用老式瓶装液化气，软管老化开裂，"
           "已劝其停用并联系燃气公司上门。", cat=GAS, ch="patrol", landmark="桂花园小区"),
    R(text="巡查网格内岭南巷口民房加建工地，现场未设置围挡，脚手架无防护网，已告知业主暂停施工，"
           "请执法部门核查是否办理审批手续。", cat=SITE, ch="patrol", grid=G01, photo="generic"),
    R(text="丹桂苑小区地下车库消防栓箱内无水带水枪，灭火器压力不足，共检查8处，6处不合格，"
           "已拍照反馈物业限期整改。", cat=FIRE, ch="patrol", landmark="丹桂苑小区",
      photo="generic"),
    R(text="桂花路沿街餐饮店“湘味小厨”后厨排烟管道油污严重，液化气钢瓶放在厨房操作间内，"
           "未安装燃气报警器。", ch="patrol", grid=G01, photo="generic"),
    R(text="桂花园小区门口有两名男子因停车问题发生争执，情绪激动，已现场劝解并联系社区民警，"
           "暂未发生肢体冲突。", cat=DISPUTE, ch="patrol", landmark="桂花园小区"),
    R(text="丹桂苑小区5栋楼顶违规搭建彩钢板房，面积约40平方米，内有人员居住，存在消防及结构安全隐患。",
      cat=BUILDING, ch="patrol", landmark="丹桂苑小区", photo="generic"),
    R(text="网格内桂花路排水沟被建筑垃圾堵塞约20米，雨天易积水倒灌临街商铺，建议安排清淤。",
      ch="patrol", grid=G01, photo="generic"),
    # 西岭区
    R(text="桃花岭小学放学的时候门口一堆家长车乱停，学生从车缝里钻出来，好几次差点被装",
      landmark="桃花岭小学"),
    R(text="市民来电反映：桂花园菜市场内有摊贩销售病死猪肉，价格明显低于市场价，肉色发暗，"
           "请市场监管部门查处。", cat=FOOD, ch="hotline", landmark="桂花园菜市场", coords=False,
      addr="西岭区桂花园菜市场"),
    R(text="枫林雅苑地下车库进水了，上面小区的雨水直接往车库灌，好多车要泡了", cat=FLOOD,
      landmark="枫林雅苑", photo="water", hours_ago=50.5),
    R(text="人民医院门诊楼前面有个号贩子天天在那里拉人，今天还有人为了排队打起来了", cat=ORDER,
      landmark="西岭区人民医院"),
    R(text="学府佳苑小区二次供水水箱多年未清洗，近期自来水发黄有沉淀，烧开后有水垢和异味，"
           "请水务部门检测。", cat=WATER, ch="web", landmark="学府佳苑", coords=False,
      photo="water"),
    R(text="学士路菜市场里面有家卖活禽的 到处是鸡毛鸡粪 臭得很 现在不是不让卖活禽了吗",
      landmark="学士路菜市场", voice=True),
    R(text="莲塘新村后面的山坡有裂缝，下雨以后有泥巴往下冲，坡下面就是住户", cat=GEO,
      landmark="莲塘新村", photo="generic", hours_ago=49.0),
    R(text="来电人反映莲塘颐养院近日多名老人出现发热咳嗽症状，院方未及时隔离，家属担心传染，"
           "请求疾控部门指导。", cat=DISEASE, ch="hotline", landmark="莲塘颐养院", coords=False,
      addr="西岭区莲塘颐养院"),
    R(text="望岳路和学士路交叉口红绿灯坏了两天了，一直黄灯闪，车子抢着过", cat=TRAFFIC,
      grid="D01-S02-C01-G02"),
    R(text="枫林路有个KTV每天半夜两三点还在放音乐，还有人喝醉了在路边闹事", cat=ORDER,
      grid="D01-S01-C02-G02", anon=True),
    R(text="莲塘路在建地铁站工地夜间施工噪音大，渣土车进出不冲洗，路上全是泥，扬尘严重。",
      cat=POLLUTION, ch="web", grid="D01-S02-C02-G02",
      photo="generic"),
    R(text="桃花岭小学旁边新开了一家网吧，经常有小学生进去，老板也不查身份证", cat=SCHOOL,
      landmark="桃花岭小学"),
    R(text="楓林路的路燈壞了一整排，晚上很黑，走夜路不安全", grid="D01-S01-C02-G03",
      photo="generic"),
    R(text="楼上邻居把花盆摆在窗台外面，没有任何固定，风一吹就晃，下面是小区主干道",
      grid="D01-S02-C01-G03", anon=True, photo="generic"),
    R(text="气象预报明后天有强对流天气，建议提醒各小区物业提前加固临时搭建物、清理阳台杂物，"
           "防范大风冰雹。", cat=WEATHER, ch="web", grid="D01-S01-C02-G01", hours_ago=60.0),
    # 滨江区
    R(text="湘春里小区10栋楼道里堆满了纸箱和旧家具，楼道灯也不亮，着火了根本跑不出去。"
           "我住10栋，有需要联系我 139-7312-2568", cat=FIRE, landmark="湘春里小区",
      photo="generic", who="13800000001"),
    R(text="家长来电反映：滨江区第二中学校门口周边有校外人员拦截学生索要财物，已发生多起，"
           "请求公安加强上下学时段巡逻。", cat=SCHOOL, ch="hotline", landmark="滨江区第二中学",
      coords=False, addr="滨江区第二中学"),
    R(text="老码头菜市场旁边 那个卖煤气罐的店 罐子就堆在马路边上晒太阳 太危险了",
      landmark="老码头农贸市场", voice=True, photo="gas"),
    R(text="沿江风光带的护栏断了一截，下面就是江，晚上散步的人多", cat=ROAD,
      grid="D02-S01-C01-G02", photo="generic"),
    R(text="社区卫生服务中心门口的无障碍坡道被车堵死了，坐轮椅的进不去",
      landmark="福源巷社区卫生服务中心"),
    R(text="福源巷一带的老房子电线像蜘蛛网一样乱拉，有几根线都已经烧黑了，上周有一家跳闸冒烟。",
      cat=ELEC, ch="web", grid="D02-S01-C02-G03", photo="generic"),
    R(text="万象汇负一楼美食城有家店的后厨老鼠乱跑，我亲眼看到的，还拍了照", cat=FOOD,
      landmark="万象汇购物中心", photo="generic"),
    R(text="市民来电反映：东风花园3栋与4栋之间楼下商户占道经营、夜宵摊油烟直排居民窗户，"
           "多次协调未果，邻里矛盾激化。", cat=DISPUTE, ch="hotline", landmark="东风花园",
      coords=False, addr="滨江区东风花园3栋"),
    R(text="新河菜市场那家卖鱼的不知道用的什么药水泡鱼，鱼一直不死，颜色还怪怪的",
      landmark="新河菜市场", photo="generic"),
    R(text="新河幼儿园好几个小朋友手上嘴巴上长泡泡，是不是手足口病，幼儿园也不通知", cat=DISEASE,
      landmark="新河幼儿园", anon=True),
    R(text="五一路东风路口天桥的台阶砖松了好几块，踩上去会动", cat=ROAD, grid="D02-S02-C01-G03",
      photo="generic"),
    R(text="新河路上有辆渣土车湘A95D31闯红灯，车厢没盖，沿路撒了一地碎石", cat=TRAFFIC,
      grid="D02-S02-C02-G02"),
    R(text="湘春路88号沿街老房二楼阳台明显下沉开裂，楼下是早餐店，建议尽快做安全鉴定。",
      cat=BUILDING, ch="web", grid="D02-S01-C01-G03", coords=False, addr="滨江区湘春路88号"),
    R(text="福源路有根电线杆被风吹斜了，电线垂得很低，离地面也就两米", cat=ELEC,
      grid="D02-S01-C02-G02", photo="generic", hours_ago=51.0),
    R(text="五一广场这里有人在发传单说什么高息理财 拉着老人去听课 怕是骗子",
      grid="D02-S02-C01-G02", voice=True),
    R(text="小区有人在家里养了十几条狗，天天叫，狗屎也不清理，说了还骂人", landmark="湘春里小区",
      anon=True),
    R(text="小区门口的消防栓被人拧开偷水洗车，水流了一地", grid="D02-S02-C02-G03",
      photo="water"),
    R(text="这雨下得太大了 我们这条巷子的下水道往上冒水 水都进店里了", grid="D02-S01-C01-G01",
      voice=True, hours_ago=52.2),
    R(text="万象汇门口的玻璃雨棚裂了一大块，用胶带贴着，下面天天有人排队买奶茶", cat=BUILDING,
      landmark="万象汇购物中心", photo="facade"),
    # 东湖区
    R(text="湖畔名都地下室有住户在里面囤了好多桶汽油，说是跑网约车用的，味道很大", cat=CHEM,
      landmark="湖畔名都"),
    R(text="东湖公园湖边的游船码头被风吹坏了，浮桥断开，还有游客在上面拍照", cat=WEATHER,
      landmark="东湖公园", photo="generic", hours_ago=51.5),
    R(text="来电人反映东湖区中医医院住院部电梯上个月检修后经常异响，担心病人乘坐安全，"
           "请求特种设备检验机构检查。", cat=EQUIP, ch="hotline", landmark="东湖区中医医院",
      coords=False, addr="东湖区中医医院住院部"),
    R(text="金霞苑小区的游乐设施秋千链条断了，小孩荡秋千的时候摔下来了，幸好没大事",
      landmark="金霞苑", photo="generic"),
    R(text="金霞农贸市场今天有人为了摊位吵架，后来动手了，一个拿秤砣砸人", cat=ORDER,
      landmark="金霞农贸市场"),
    R(text="新桥小学门口马路没有斑马线也没有减速带，大货车经常从这里开去化工园，孩子过马路很危险。",
      cat=SCHOOL, ch="web", landmark="新桥小学", coords=False),
    R(text="樟树坪小区自来水今天突然变浑，有股漂白粉的味道，楼上楼下都一样", cat=WATER,
      landmark="樟树坪小区", photo="water"),
    R(text="市民来电反映：双塘敬老院厨房使用的液化气钢瓶过期未检，且与灶台距离过近，"
           "请求燃气及消防部门检查。", cat=GAS, ch="hotline", landmark="双塘敬老院", coords=False,
      addr="东湖区双塘敬老院"),
    R(text="菜市场门口那个卖凉菜的没有遮盖，苍蝇到处飞，上礼拜有人吃了拉肚子",
      landmark="樟树坪菜市场", photo="generic"),
    R(text="金霞路跟東二環交叉口的紅綠燈太短，老人家過不完馬路", cat=TRAFFIC,
      grid="D03-S01-C02-G03"),
    R(text="樟树坪后山有一块大石头松动了，昨晚下大雨滚下来一些碎石到路上", cat=GEO,
      grid="D03-S02-C02-G01", photo="generic", hours_ago=48.0),
    R(text="双塘路工业园内一处建筑工地塔吊在大风天气仍在作业，吊臂从居民楼上方经过，"
           "存在重大安全隐患。", cat=SITE, ch="web", grid="D03-S02-C01-G02", coords=False,
      addr="东湖区双塘路工业园"),
    R(text="湖畔这边 有个小区的变电箱一直在冒烟 还有噼里啪啦的声音 快叫供电局来",
      grid="D03-S01-C01-G01", voice=True),
    R(text="双塘大道晚上有人飙车，改装车排气管声音特别大，天天凌晨一两点", cat=ORDER,
      grid="D03-S02-C01-G03", anon=True),
    R(text="金霞路那个正在拆的旧厂房，没有喷水降尘，灰大得衣服都不敢晒", cat=POLLUTION,
      grid="D03-S01-C02-G01"),
    R(text="东湖公园的湖里死了好多鱼，浮在水面上发臭，是不是水被污染了", landmark="东湖公园",
      photo="water"),
    R(text="市民来电反映：湖畔路与东湖大道交叉口东南角人行道树木被虫蛀空，树干开裂，"
           "随时可能倒伏，请求园林部门处置。", cat=TREE, ch="hotline", grid="D03-S01-C01-G03",
      coords=False, addr="东湖区湖畔路与东湖大道交叉口"),
    R(text="有人在小区里面卖三无的电动车电池，说可以改装跑更远，这种东西不会爆炸吗",
      grid="D03-S01-C02-G02", anon=True),
    R(text="我们这边一个房东把三楼隔成了七八个小单间，只有一个楼梯，住了二十几个人，里面还做饭",
      cat=FIRE, grid="D03-S02-C02-G03", anon=True),
]
