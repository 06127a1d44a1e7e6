"""The checklists seeded into a new installation (seed_checklists).

Item texts are our own wording of the substance of the sources named in each
template's `source`; they are data, not interface strings, so they are written
in Chinese here rather than translated through gettext.
"""

from inspections.models import AnswerType as T
from inspections.models import Category as C
from inspections.models import Severity as S

ELDERLY = "elderly_care"
CHILD = "child_welfare"
RESIDENTIAL = ["elderly_care", "child_welfare", "social_welfare", "rescue_station"]


def item(key, text, category, answer_type=T.PASS_FAIL, **options):
    return {"key": key, "text": text, "category": category, "answer_type": answer_type, **options}


FESTIVAL_SWEEP = {
    "code": "festival-fire-sweep",
    "name": "春节元宵节民政服务机构消防安全排查",
    "description": "节日期间对民政服务机构开展的消防安全排查、自查，重点是养老机构和儿童福利机构。",
    "source": (
        "泌阳县民政局《关于做好春节元宵节期间民政服务消防安全工作的通知》第一、三、五部分；"
        "《中华人民共和国消防法》第十六、十七、二十一、二十八条；"
        "《养老机构重大事故隐患判定标准》第四条第三项（夹芯彩钢板）。"
    ),
    "sections": [
        (
            "疏散通道与安全出口",
            [
                item(
                    "evacuation-routes-clear",
                    "疏散通道、楼梯间畅通，无堆放杂物、无占用",
                    C.EVACUATION,
                    severity=S.MAJOR,
                    photo_required_on_failure=True,
                    guidance="沿疏散路线走一遍，查看走廊、楼梯间、安全出口前是否堆放物品或停放车辆。",
                ),
                item(
                    "exits-unlocked",
                    "安全出口未锁闭、未封堵，可从内部随时打开",
                    C.EVACUATION,
                    severity=S.MAJOR,
                    photo_required_on_failure=True,
                    guidance="逐一推开安全出口门；夜间也不得上锁，门禁须能一键释放。",
                ),
                item(
                    "exit-signs-lighting",
                    "安全出口标志、疏散指示标志和应急照明完好有效",
                    C.EVACUATION,
                    rectify_days=3,
                    guidance="断开正常照明试验应急照明，查看指示标志是否亮起、方向是否正确。",
                ),
                item(
                    "fire-doors",
                    "常闭式防火门保持关闭，防火卷帘下方无堆放物品",
                    C.FIRE,
                    rectify_days=3,
                ),
            ],
        ),
        (
            "用火用电用气",
            [
                item(
                    "no-illegal-fire-electricity",
                    "无违规用火用电：无私拉乱接电线、无违规使用大功率电器、无电动自行车室内停放充电",
                    C.ELECTRICITY,
                    rectify_days=3,
                    photo_required_on_failure=True,
                ),
                item(
                    "no-illegal-hot-work",
                    "无违规电气焊、动火作业；动火作业经审批且焊工持证上岗",
                    C.FIRE,
                    severity=S.MAJOR,
                    photo_required_on_failure=True,
                ),
                item(
                    "power-strips-care-equipment",
                    "气垫床、制氧机等护理设备使用的插线板为合格产品，不串接、不超负荷",
                    C.ELECTRICITY,
                    rectify_days=1,
                    institution_kinds=RESIDENTIAL,
                    guidance="重点检查床边插线板是否有3C标志、是否发热、是否被被褥覆盖。",
                ),
                item(
                    "gas-safety",
                    "燃气管道、灶具和燃气泄漏报警装置完好，无泄漏",
                    C.GAS,
                    rectify_days=1,
                    photo_required_on_failure=True,
                ),
                item(
                    "no-smoking-in-bed",
                    "落实禁烟管理，无卧床吸烟现象（节日期间酒后吸烟风险高）",
                    C.FIRE,
                    rectify_days=1,
                ),
            ],
        ),
        (
            "消防设施器材",
            [
                item(
                    "extinguishers",
                    "灭火器按要求配置，压力正常且在有效期内",
                    C.FIRE,
                    rectify_days=3,
                ),
                item(
                    "fire-systems",
                    "火灾自动报警、自动喷水灭火等消防设施正常运行，未停用",
                    C.FIRE,
                    rectify_days=7,
                ),
                item(
                    "smoke-detectors",
                    "居室、公共活动区安装的独立式感烟火灾探测报警器完好",
                    C.FIRE,
                    rectify_days=7,
                    institution_kinds=RESIDENTIAL,
                ),
                item(
                    "fire-control-room",
                    "设有消防控制室的，落实24小时双人值班且值班人员持证",
                    C.DUTY,
                    rectify_days=3,
                    guidance="未设消防控制室的选择“不适用”。",
                ),
            ],
        ),
        (
            "建筑与场所",
            [
                item(
                    "no-sandwich-panels",
                    "无违规采用可燃夹芯彩钢板搭建的居住、活动用房",
                    C.BUILDING,
                    severity=S.MAJOR,
                    photo_required_on_failure=True,
                ),
                item(
                    "building-sound",
                    "房屋无明显开裂、倾斜、沉降等危险迹象",
                    C.BUILDING,
                    rectify_days=7,
                    photo_required_on_failure=True,
                ),
                item(
                    "no-combustible-decoration",
                    "未大量使用可燃装修装饰材料",
                    C.BUILDING,
                    rectify_days=14,
                ),
            ],
        ),
        (
            "食品卫生",
            [
                item(
                    "kitchen-hygiene",
                    "食堂证照齐全，食品留样、进货查验制度落实",
                    C.FOOD,
                    rectify_days=7,
                ),
            ],
        ),
        (
            "值班值守",
            [
                item("duty-on-post", "值班人员在岗在位，无脱岗、睡岗", C.DUTY, rectify_days=1),
                item(
                    "staff-on-duty-now",
                    "检查时在岗值班人数",
                    C.DUTY,
                    T.NUMBER,
                    unit="人",
                    min_value=0,
                    max_value=50,
                    fail_below=1,
                ),
                item(
                    "night-patrols", "夜间防火巡查记录完整，交接班记录清楚", C.DUTY, rectify_days=3
                ),
                item(
                    "leader-on-duty-arranged",
                    "节日期间领导带班安排已明确并公示",
                    C.DUTY,
                    T.YES_NO,
                    failing_yes_no="no",
                    rectify_days=1,
                ),
            ],
        ),
        (
            "教育培训与应急演练",
            [
                item(
                    "drill-recent",
                    "近三个月内组织过消防安全培训和应急疏散演练",
                    C.TRAINING,
                    T.YES_NO,
                    failing_yes_no="no",
                    rectify_days=14,
                ),
                item(
                    "immobile-evacuation-plan",
                    "失能、半失能人员有专门疏散预案并明确到人",
                    C.TRAINING,
                    rectify_days=7,
                    institution_kinds=[ELDERLY, CHILD, "social_welfare"],
                ),
            ],
        ),
        (
            "冬季季节性风险与照护",
            [
                item(
                    "heating-safe",
                    "取暖设备使用安全，远离可燃物，无使用明火取暖",
                    C.WEATHER,
                    rectify_days=1,
                ),
                item(
                    "cold-wind-prepared",
                    "已防范极寒、干燥、大风：临时搭建物和广告牌加固，水管防冻",
                    C.WEATHER,
                    rectify_days=3,
                ),
                item(
                    "residents-care",
                    "密切关注服务对象身心健康，送医就医、心理疏导措施落实",
                    C.CARE,
                    rectify_days=3,
                    institution_kinds=RESIDENTIAL,
                ),
                item("site-photo", "现场照片（可选）", C.OTHER, T.PHOTO, required=False),
            ],
        ),
    ],
}

ELDERLY_MAJOR_HAZARDS = {
    "code": "elderly-care-major-hazards",
    "name": "养老机构重大事故隐患判定",
    "description": "对照民政部《养老机构重大事故隐患判定标准》逐项判定；任何一项为“是”即构成重大事故隐患。",
    "source": (
        "民政部办公厅《养老机构重大事故隐患判定标准》（2023年11月27日）第四条第一至四项、第五条第一至三项。"
        "第五条第四项起及第六至八条尚未核对官方全文，暂未收录。"
    ),
    "sections": [
        (
            "重要设施设备（第四条）",
            [
                item(
                    "dangerous-building",
                    "房屋建筑经鉴定为C级、D级危房，或被住建部门认定存在重大安全隐患",
                    C.BUILDING,
                    T.YES_NO,
                    failing_yes_no="yes",
                    severity=S.MAJOR,
                    photo_required_on_failure=True,
                    institution_kinds=[ELDERLY],
                ),
                item(
                    "fire-electric-gas-nonconforming",
                    "消防设计、消防设施或电气、燃气设施经主管部门或第三方判定不符合强制性标准",
                    C.FIRE,
                    T.YES_NO,
                    failing_yes_no="yes",
                    severity=S.MAJOR,
                    institution_kinds=[ELDERLY],
                ),
                item(
                    "combustible-panels-decoration",
                    "人员活动场所采用可燃夹芯彩钢板搭建，或大量使用可燃装修装饰材料",
                    C.BUILDING,
                    T.YES_NO,
                    failing_yes_no="yes",
                    severity=S.MAJOR,
                    photo_required_on_failure=True,
                    institution_kinds=[ELDERLY],
                ),
                item(
                    "special-equipment-unlicensed",
                    "电梯、锅炉、氧气管道等特种设备未取得许可、未经检验或检验不合格，或属国家明令淘汰、已报废",
                    C.EQUIPMENT,
                    T.YES_NO,
                    failing_yes_no="yes",
                    severity=S.MAJOR,
                    institution_kinds=[ELDERLY],
                ),
            ],
        ),
        (
            "资质与人员（第五条）",
            [
                item(
                    "clinic-unlicensed",
                    "内设医疗机构未取得执业许可或未按规定备案",
                    C.LICENCE,
                    T.YES_NO,
                    failing_yes_no="yes",
                    severity=S.MAJOR,
                    institution_kinds=[ELDERLY],
                ),
                item(
                    "canteen-unlicensed",
                    "内设食堂未取得食品经营许可",
                    C.FOOD,
                    T.YES_NO,
                    failing_yes_no="yes",
                    severity=S.MAJOR,
                    institution_kinds=[ELDERLY],
                ),
                item(
                    "equipment-staff-unqualified",
                    "特种设备安全管理和检测人员未取得相应资格",
                    C.EQUIPMENT,
                    T.YES_NO,
                    failing_yes_no="yes",
                    severity=S.MAJOR,
                    institution_kinds=[ELDERLY],
                ),
            ],
        ),
    ],
}

WEEKLY_EPIDEMIC = {
    # The code stays: it names the checklist across versions. Reports are due twice a
    # week (Tuesday and Friday), so every count is "since the last report": a home
    # with one antigen round by Tuesday is on course for the notice's two a week.
    "code": "weekly-epidemic-report",
    "name": "养老机构疫情防控报告（每周二、周五）",
    "description": "每周二、周五报送自上次报告以来的抗原检测、感染、转诊和疫苗接种情况。",
    "source": "泌阳县民政局通知第二部分：每周不少于2次抗原检测、一院一策、80岁以上高风险老人转诊二级综合医院、应接尽接。",
    "sections": [
        (
            "抗原检测",
            [
                item(
                    "antigen-rounds-since-last-report",
                    "自上次报告以来为老年人开展抗原检测的轮次",
                    C.EPIDEMIC,
                    T.NUMBER,
                    unit="次",
                    min_value=0,
                    max_value=7,
                    fail_below=1,
                    rectify_days=2,
                    guidance=(
                        "通知要求每周不少于2次，即每周二、周五两次报告之间各至少1次；"
                        "自上次报告以来1次也没有即生成隐患。"
                    ),
                ),
                item(
                    "residents-tested-since-last-report",
                    "自上次报告以来参加检测的老年人数",
                    C.EPIDEMIC,
                    T.NUMBER,
                    unit="人",
                    min_value=0,
                    max_value=2000,
                ),
                item(
                    "positives-since-last-report",
                    "自上次报告以来抗原阳性人数",
                    C.EPIDEMIC,
                    T.NUMBER,
                    unit="人",
                    min_value=0,
                    max_value=2000,
                ),
                item(
                    "kits-received-since-last-report",
                    "自上次报告以来免费领取的抗原检测试剂",
                    C.EPIDEMIC,
                    T.NUMBER,
                    unit="份",
                    min_value=0,
                    max_value=100000,
                ),
            ],
        ),
        (
            "救治与转诊",
            [
                item(
                    "residents-80-plus",
                    "在院80岁以上老年人数",
                    C.EPIDEMIC,
                    T.NUMBER,
                    unit="人",
                    min_value=0,
                    max_value=2000,
                ),
                item(
                    "referral-hospital",
                    "80岁以上高风险老年人直接转诊的二级综合医院",
                    C.EPIDEMIC,
                    T.TEXT,
                ),
                item(
                    "designated-hospital-link",
                    "与定点救治医疗机构的对口协作、急救通道畅通",
                    C.EPIDEMIC,
                    T.YES_NO,
                    failing_yes_no="no",
                    rectify_days=2,
                ),
                item(
                    "infection-plan",
                    "人员感染后的应急处置预案已完善",
                    C.EPIDEMIC,
                    T.YES_NO,
                    failing_yes_no="no",
                    rectify_days=3,
                ),
                item("medical-supplies", "防疫医疗物资储备充足", C.EPIDEMIC, rectify_days=3),
            ],
        ),
        (
            "疫苗接种",
            [
                item(
                    "vaccinated-since-last-report",
                    "自上次报告以来新增接种疫苗的老年人数",
                    C.EPIDEMIC,
                    T.NUMBER,
                    unit="人",
                    min_value=0,
                    max_value=2000,
                ),
            ],
        ),
    ],
}

FIRE_DRILL_RECORD = {
    "code": "fire-drill-record",
    "name": "消防安全培训与应急演练记录",
    "description": "记录每次消防培训或疏散演练的情况和发现的问题。",
    "source": "《中华人民共和国消防法》第十六条；《养老机构管理办法》关于应急预案和演练的规定。",
    "sections": [
        (
            "演练情况",
            [
                item(
                    "drill-kind",
                    "本次活动类型",
                    C.TRAINING,
                    T.CHOICE,
                    choices=["消防安全培训", "应急疏散演练", "灭火器实操演练", "综合演练"],
                ),
                item(
                    "staff-participants",
                    "参加的工作人员数",
                    C.TRAINING,
                    T.NUMBER,
                    unit="人",
                    min_value=0,
                    max_value=1000,
                ),
                item(
                    "resident-participants",
                    "参加的服务对象数",
                    C.TRAINING,
                    T.NUMBER,
                    unit="人",
                    min_value=0,
                    max_value=2000,
                ),
                item(
                    "evacuation-minutes",
                    "全部人员疏散完毕用时",
                    C.TRAINING,
                    T.NUMBER,
                    unit="分钟",
                    min_value=0,
                    max_value=120,
                    required=False,
                ),
                item(
                    "staff-use-extinguisher",
                    "工作人员均能正确使用灭火器",
                    C.TRAINING,
                    T.YES_NO,
                    failing_yes_no="no",
                    rectify_days=14,
                ),
                item(
                    "immobile-plan-tested",
                    "失能、半失能人员疏散方案经过演练检验",
                    C.TRAINING,
                    T.YES_NO,
                    failing_yes_no="no",
                    rectify_days=14,
                ),
                item("problems-found", "演练中发现的问题", C.TRAINING, T.TEXT, required=False),
                item("drill-photo", "演练现场照片", C.TRAINING, T.PHOTO),
            ],
        ),
    ],
}

ALL_CHECKLISTS = [FESTIVAL_SWEEP, ELDERLY_MAJOR_HAZARDS, WEEKLY_EPIDEMIC, FIRE_DRILL_RECORD]
