"""The Chinese demo company (`handoff demo --locale zh-CN`): the same people by username and the same
projects' shape as the English demo, with Chinese names, customers, mobiles and project wording.

Only data lives here. Codes the diagrams and tables read stay as they are: usernames, group names,
industries (the lead table routes on ``education``), invoice types, dates.
"""

from __future__ import annotations

# username -> display name, mobile (the demo's people read the service in Chinese: locale zh-CN)
PEOPLE = {
    "vp": ("周伟 (销售副总裁)", "+8613800138001"),
    "sales_mgr": ("王强 (销售主管)", "+8613800138002"),
    "rep": ("李娜 (销售代表)", "+8613800138003"),
    "rep2": ("陈磊 (销售代表)", "+8613800138004"),
    "legal": ("刘洋 (法务)", "+8613800138005"),
    "delivery_head": ("赵敏 (交付负责人)", "+8613800138006"),
    "delivery": ("孙丽 (交付经理)", "+8613800138007"),
    "product": ("吴昊 (产品负责人)", "+8613800138008"),
    "tech": ("郑凯 (技术负责人)", "+8613800138009"),
    "finance": ("黄静 (财务)", "+8613800138010"),
    "designer": ("何欣 (流程设计师)", "+8613800138011"),
    "admin": ("林峰 (管理员)", "+8613800138012"),
}

GROUPS = {
    "sales": "销售代表：发起商机与交接",
    "sales-managers": "销售主管：接收提醒与升级，重新分派",
    "executives": "销售副总裁及其他高管",
    "sales-vp": "销售副总裁：接收跨部门超时的升级",
    "technical-sales": "面向技术型客户的销售（按线索分配表）",
    "education-sales": "面向教育客户的销售（按线索分配表）",
    "key-accounts": "大额预算客户的销售（按线索分配表）",
    "legal": "法务：合同审核与补充条款",
    "delivery": "交付经理：会签、接收交接、负责交付",
    "product": "产品负责人：知识库版本",
    "tech": "技术负责人：工作量评估",
    "finance": "财务：开票、回款、分期回款比例",
    "designers": "流程设计师：编辑并部署 BPMN",
    "admins": "管理员：人员、群组、组织架构",
    "managers": "处理升级工作的人员",
    "integrations": "合作系统的服务账号：发送消息与信号（POST /api/v1/correlations）",
}

# name, industry (a code), budget, SLA achievement, complaint types, decision makers
CUSTOMERS = [
    ("华东教育集团", "education", 800000, 0.92, ["事故响应慢"],
     [{"name": "王建国", "role": "校长", "phone": "+8613912345601"}]),
    ("顺达物流股份有限公司", "logistics", 1500000, 0.97, [],
     [{"name": "张志强", "role": "运营总监", "phone": "+8613912345602"}]),
    ("仁和医院", "healthcare", 650000, 0.88, ["错过培训日期", "发票不清晰"],
     [{"name": "刘芳", "role": "信息科主任", "phone": "+8613912345603"}]),
    ("优品零售连锁", "retail", 300000, 0.99, [],
     [{"name": "陈涛", "role": "IT 总监", "phone": "+8613912345604"}]),
]
ENTERPRISE, CAMPUS = "企业版", "校园版"
PRODUCTS = {ENTERPRISE: "V3.2-202601 安全模块", CAMPUS: "V2.1-202609"}
PRODUCT_CODES = {ENTERPRISE: "ENT", CAMPUS: "CAM"}

EDU, LOGISTICS, HOSPITAL, RETAIL = (c[0] for c in CUSTOMERS)
# customer, rep, product, bound KB version, days ago started, how far to drive it (as the English demo)
PROJECTS = [
    (EDU, "rep", ENTERPRISE, PRODUCTS[ENTERPRISE], 1, "opportunity"),
    (RETAIL, "rep2", ENTERPRISE, PRODUCTS[ENTERPRISE], 3, "opportunity"),
    (LOGISTICS, "rep", ENTERPRISE, PRODUCTS[ENTERPRISE], 4, "contract"),
    (HOSPITAL, "rep2", ENTERPRISE, PRODUCTS[ENTERPRISE], 6, "contract"),
    (EDU, "rep2", ENTERPRISE, PRODUCTS[ENTERPRISE], 5, "handover"),
    (LOGISTICS, "rep2", ENTERPRISE, PRODUCTS[ENTERPRISE], 9, "handover"),
    (HOSPITAL, "rep", CAMPUS, "V2.0-202603", 12, "implementation"),
    (RETAIL, "rep", ENTERPRISE, PRODUCTS[ENTERPRISE], 15, "implementation"),
    (EDU, "rep", ENTERPRISE, PRODUCTS[ENTERPRISE], 20, "uat"),
    (LOGISTICS, "rep2", ENTERPRISE, PRODUCTS[ENTERPRISE], 25, "acceptance"),
    (HOSPITAL, "rep2", ENTERPRISE, PRODUCTS[ENTERPRISE], 30, "invoicing"),
    (RETAIL, "rep2", ENTERPRISE, PRODUCTS[ENTERPRISE], 40, "payment"),
]

# what the people type into the forms along the way
WORDING = {
    "terms": "签约付 30%，验收后付 70%",
    "special_acceptance_terms": "由客户信息中心主任签字验收",
    "requirement": "统一身份认证（单点登录）",
    "risk": "客户 IT 部门可能不开放 API 接口",
    "open_item": "部署环境待确认",
    "contract_file": "合同-{id}.pdf",
    "acceptance_file": "验收报告.pdf",
}
