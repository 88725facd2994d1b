#!/usr/bin/env python
"""Search benchmark (issue 7): the hub's index next to its floor and its peer, in one run.

    .venv/bin/python bench/search_bench.py                # 100 000 documents (~15 min, 2 cores)
    .venv/bin/python bench/search_bench.py --docs 10000
    .venv/bin/python bench/search_bench.py --quick        # 2 000 documents, a smoke run
    .venv/bin/python bench/search_bench.py --docs 10000 --profile   # + cProfile of the queries

Not part of the test suite.  Everything lives in a scratch folder (``--workdir``, default a
temporary one, removed afterwards unless ``--keep``).  What it does:

1. makes a deterministic synthetic corpus of Chinese workplace documents (200–800
   characters, ten topics, some English; ``--seed``), each with a department, a status, a
   date and access terms;
2. **floor**: jieba's own segmentation throughput (``jieba.cut_for_search``) on a sample of
   the same texts, in one process and in two, and the hub's analyzer on the same sample;
3. **hub indexing**: stores the documents in a real hub database (SQLite) as rows of a
   benchmark model registered with ``hub.search.registry`` like any feature, and rebuilds the
   index with the hub's own indexer (``hub.search.indexer.rebuild``, both cores) — that is
   ``flask search reindex``: docs/s, seconds, index size;
4. **peer**: the same texts, segmented by the same analyzer, in SQLite FTS5 (``unicode61``
   over space-separated words: a column with the index-time words for word queries, one
   with the query-time cut for phrases);
5. **queries**: one-word, two-word and phrase queries (words picked by document frequency,
   from ~20 % of the corpus down to rare; phrases cut out of documents) — p50/p95 through
   ``hub.search.query.search`` (permission filter, facet counts, highlighted snippets, the
   page rule re-check: what the search page pays), on bare Whoosh over the same index (parse,
   top 20, stored fields: no filter, no highlights, no facets), and on FTS5 (``MATCH``,
   ``ORDER BY rank LIMIT 20``, stored text);
6. **incremental**: a document committed to the database (outbox row in the same
   transaction), applied by the in-process writer thread, until ``search`` finds it;
   then the same while another thread commits a stream of documents (the writer's commits
   then include merges).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- the corpus ------------------------------------------------------------------------

TOPICS = {
    "canteen": "食堂 饭菜 红烧肉 米饭 菜品 夜宵 窗口 餐费 卫生 承包方 口味 价格 排队 餐具 蔬菜 "
               "早餐 午餐 晚餐 饮料 水果 菜单 厨房 食材 油烟 分量",
    "it": "电脑 网络 打印机 邮箱 密码 服务器 系统 账号 权限 软件 硬件 故障 升级 数据 备份 "
          "内网 无线网络 显示器 笔记本 投影仪 工单 企业微信 病毒 补丁 网速",
    "safety": "安全 隐患 消防 灭火器 通道 防护 设备 车间 高温 噪音 粉尘 事故 应急 演练 "
              "安全帽 劳保用品 叉车 电线 仓库 防暑 降温 护目镜 警示 巡检 危险品",
    "finance": "报销 发票 预算 成本 费用 差旅 审批 付款 工资 奖金 税务 账期 回款 应收账款 "
               "票据 借款 采购 合同 报表 审计 报销单 到账 授信 结算 对账",
    "hr": "招聘 培训 考勤 加班 调休 假期 年假 绩效 晋升 薪酬 福利 社保 公积金 体检 入职 "
          "离职 试用期 团建 年会 宿舍 面试 导师 排班 请假 补贴",
    "sales": "客户 订单 市场 销售额 渠道 报价 投诉 售后 退货 展会 竞争对手 促销 代理商 "
             "区域 业绩 拜访 回访 样品 华东销售组 华南销售组 经销商 提成 商机 标书 发货",
    "production": "生产线 产能 质量 质检 原材料 库存 排产 工艺 设备维护 良品率 返工 物料 "
                  "交期 班次 夜班 模具 包装 仓储 物流 能耗 三号车间 检验 批次 停机 产量",
    "office": "办公室 会议室 停车场 班车 快递 空调 保洁 绿化 门禁 访客 文具 办公用品 电梯 "
              "饮水机 照明 装修 搬迁 公告 制度 总经办 印章 档案 车辆 前台 茶水间",
    "management": "流程 效率 沟通 协作 责任 目标 计划 会议 汇报 决策 授权 监督 考核 改进 方案 "
                  "措施 标准 规范 文件 人力资源部 安全环保部 财务部 研发部 客服部 生产部",
    "rd": "研发 项目 需求 测试 版本 上线 代码 接口 文档 评审 原型 缺陷 迭代 架构 性能 "
          "专利 样机 验证 实验室 算法 芯片 图纸 仿真 调试 交付",
}
ENGLISH = ("VPN", "Wi-Fi", "Outlook", "Excel", "PPT", "ERP", "CRM", "OA", "KPI", "Zoom",
           "email", "Windows", "SAP", "APP", "IT", "Python", "Teams", "PDF", "U盘", "bug")
WHEN = "最近 上周 本月 昨天 今年 第三季度 月底 节后 近期 目前 每天 下午 周末 年底".split()
WHO = ("员工 同事 部门 我们 领导 客户 供应商 班组 新员工 项目组 大家 主管 经理 专员 "
       "工程师 组长 老员工 骨干 负责人 外包人员 实习生 值班人员 管理层 操作工 业务员 "
       "质检员 采购员 会计 出纳 司机 保安 技术员 行政人员 车间主任").split()
VERB = ("反映 建议 希望 提出 讨论 检查 安排 落实 整改 调整 优化 申请 审批 提交 完成 组织 "
        "培训 通知 协调 跟进 确认 评估 统计 汇报 解决 处理 改善 增加 减少 取消 延长 缩短 "
        "关注 核实 补充 更新 维修 更换 采购 推进 规划 试行 恢复 暂停 公布 整理 登记 复查 "
        "讲解 督促 配合 考虑 研究 梳理 监控 记录 上报 修订 执行 排查 部署 验收").split()
ADJ = "严重 明显 及时 合理 规范 不足 过长 较大 紧张 频繁 方便 困难 复杂 稳定 滞后 突出".split()
LINK = "但是 同时 另外 因此 所以 而且 如果 建议 希望 目前".split()
TAIL = "。 。 。 ！ ？ ；".split()
KINDS_STATUS = ("submitted", "accepted", "in_progress", "answered", "closed")
DEPARTMENTS = 10
AUTHORS = 200
#: the access terms the benchmark's user holds (see ``BENCH_HELD``): documents of two
#: departments, the company-wide ones and the user's own — about 45 % of the corpus
BENCH_HELD = frozenset({"bench:dept:1", "bench:dept:2", "bench:all", "bench:user:1"})


@dataclass
class Doc:
    id: int
    number: str
    title: str
    body: str
    department_id: int
    status: str
    date: datetime
    access: str


def _zipf_weights(n: int, s: float = 0.9) -> list[float]:
    return [1.0 / (rank ** s) for rank in range(1, n + 1)]


def make_corpus(n: int, seed: int = 7, start_id: int = 1) -> list[Doc]:
    """``n`` deterministic documents (the same ``seed`` gives the same text)."""
    rng = random.Random(seed * 1_000_003 + start_id)
    topics = {name: words.split() for name, words in TOPICS.items()}
    for words in topics.values():
        rng.shuffle(words)
    names = list(topics)
    cum = {}
    for name, words in topics.items():
        total, acc = 0.0, []
        for weight in _zipf_weights(len(words)):
            total += weight
            acc.append(total)
        cum[name] = acc
    base = datetime(2025, 1, 1)
    docs = []
    for i in range(start_id, start_id + n):
        topic = names[rng.randrange(len(names))]
        own, own_w = topics[topic], cum[topic]

        def noun() -> str:
            if rng.random() < 0.75:
                return rng.choices(own, cum_weights=own_w)[0]
            other = topics[names[rng.randrange(len(names))]]
            return other[rng.randrange(len(other))]

        def clause() -> str:
            parts = []
            if rng.random() < 0.4:
                parts.append(rng.choice(WHEN))
            parts.append(rng.choice(WHO))
            parts.append(rng.choice(VERB))
            if rng.random() < 0.3:
                parts.append(rng.choice(ADJ) + "的")
            parts.append(noun())
            if rng.random() < 0.5:
                parts.append(rng.choice(("和", "的", "与", "及")) + noun())
            if rng.random() < 0.12:
                parts.append(rng.choice(ENGLISH))
            if rng.random() < 0.3:
                parts.append(rng.choice(("问题", "情况", "工作", "事项", "安排")))
            return "".join(parts)

        target = rng.randint(200, 800)
        text: list[str] = []
        length = 0
        while length < target:
            sentence = clause()
            if rng.random() < 0.6:
                sentence += "，" + rng.choice(LINK) + clause()
            sentence += rng.choice(TAIL)
            text.append(sentence)
            length += len(sentence)
            if rng.random() < 0.08:
                text.append("\n")
        body = "".join(text)[:800]
        title = f"关于{noun()}{rng.choice(('', '和' + noun()))}的" \
                f"{rng.choice(('建议', '反映', '通知', '问题', '意见', '说明', '报告'))}"
        dept = rng.randrange(1, DEPARTMENTS + 1)
        access = {f"bench:dept:{dept}", f"bench:user:{rng.randrange(1, AUTHORS + 1)}"}
        if rng.random() < 0.3:
            access.add("bench:all")
        date = base + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        docs.append(Doc(id=i, number=f"BM-{date.year}-{i:06d}", title=title, body=body,
                        department_id=dept, status=rng.choice(KINDS_STATUS), date=date,
                        access=" ".join(sorted(access))))
    return docs


def doc_text(doc: Doc) -> str:
    return f"{doc.title}\n{doc.body}"


# --- helpers ---------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def fmt_ms(values: list[float]) -> str:
    return f"{pct(values, 50) * 1000:7.1f} / {pct(values, 95) * 1000:7.1f}"


def fmt_s(values: list[float]) -> str:
    done = [v for v in values if v != float("inf")]
    text = (f"p50 {pct(done, 50):.2f} s, p95 {pct(done, 95):.2f} s, max {max(done):.2f} s"
            if done else "nothing found")
    if len(done) < len(values):
        text += f", {len(values) - len(done)} not found within 60 s"
    return text


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def say(*args) -> None:
    print(*args, flush=True)


# --- 2. the floor: jieba's own segmentation --------------------------------------------

def _jieba_cut(text: str) -> int:
    import jieba

    return len(list(jieba.cut_for_search(text)))


def _hub_cut(text: str) -> int:
    from hub.search.analysis import segment_for_index

    return len(segment_for_index(text))


def _both_cuts(text: str) -> tuple[str, str]:
    """(index-time words, query-time words) of ``text`` for FTS5, from one jieba pass: the
    last token at each position is the precise word, the others are the words inside it."""
    from hub.search.analysis import _cut

    words, precise = [], []
    last_pos = -1
    for word, pos, _s, _e in _cut(text, search=True):
        words.append(word)
        if pos != last_pos:
            precise.append(word)
            last_pos = pos
        else:
            precise[-1] = word
    return " ".join(words), " ".join(precise)


def measure_floor(texts: list[str]) -> dict[str, float]:
    from hub.search.analysis import jieba_instance

    jieba_instance()  # loaded before forking: the pool's processes share it
    try:
        import jieba
    except ImportError:
        raise SystemExit("the floor needs Python jieba: .venv/bin/pip install -e '.[bench]' "
                         "(or --skip floor)") from None

    jieba.setLogLevel(60)
    chars = sum(map(len, texts))
    out: dict[str, float] = {"sample_docs": len(texts), "sample_chars": chars}
    for name, fn in (("jieba_1", _jieba_cut), ("hub_analyzer_1", _hub_cut)):
        started, cpu = time.perf_counter(), time.process_time()
        for text in texts:
            fn(text)
        out[name] = len(texts) / (time.perf_counter() - started)
        out[name + "_cpu"] = len(texts) / (time.process_time() - cpu)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_jieba_cut, texts[:50])  # start-up
        started = time.perf_counter()
        pool.map(_jieba_cut, texts, chunksize=100)
        out["jieba_2"] = len(texts) / (time.perf_counter() - started)
    return out


# --- 3. the hub ------------------------------------------------------------------------

def make_app(workdir: Path):
    from hub import create_app

    config = {
        "SECRET_KEY": "bench-" + "k" * 40,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'hub.sqlite3'}",
        "INSTANCE_PATH": str(workdir / "instance"),
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "DEMO_BOOTSTRAP": False,
        "BACKGROUND_WORKER": False,
        "SEARCH_INDEXER": True,
        "SEARCH_BACKGROUND_REFRESH": True,
    }
    return create_app(config)


_MODEL = None


def bench_model():
    """The benchmark's items: a table like any feature's, registered with the search
    registry the way features register (``hub/<feature>/search.py``)."""
    global _MODEL
    if _MODEL is not None:
        return _MODEL
    from sqlalchemy import Column, DateTime, Integer, String, Text, select

    from hub.extensions import db
    from hub.search.registry import Provider, register

    class BenchDoc(db.Model):
        __tablename__ = "bench_docs"
        id = Column(Integer, primary_key=True)
        number = Column(String(32))
        title = Column(String(200))
        body = Column(Text)
        department_id = Column(Integer)
        status = Column(String(20))
        date = Column(DateTime)
        access = Column(String(200))

    def to_document(obj):
        return {"title": obj.title, "body": obj.body, "number": obj.number,
                "department_id": obj.department_id, "status": obj.status, "date": obj.date,
                "url": f"/bench/{obj.id}"}

    register(Provider(
        kind="bench", model=BenchDoc, to_document=to_document,
        access_terms=lambda obj: set(obj.access.split()),
        held_terms=lambda user: set(BENCH_HELD) if user.username == "bench" else set(),
        can_view=lambda user, obj: user.username == "bench"
        and bool(BENCH_HELD & set(obj.access.split())),
        all_ids=lambda: db.session.scalars(select(BenchDoc.id).order_by(BenchDoc.id)),
        label="bench", order=999))
    _MODEL = BenchDoc
    return BenchDoc


def load_database(app, docs: list[Doc]) -> int:
    """The documents as rows (bulk insert: their outbox rows are not wanted, a rebuild
    follows) and the benchmark's user; returns the user's id."""
    from sqlalchemy import insert

    from hub.extensions import db
    from hub.org.models import Department, User

    model = bench_model()
    with app.app_context():
        db.create_all()
        dept = Department(name="基准测试部")
        db.session.add(dept)
        db.session.flush()
        user = User(username="bench", name="基准", department_id=dept.id)
        db.session.add(user)
        db.session.commit()
        user_id = user.id
        rows = [{"id": d.id, "number": d.number, "title": d.title, "body": d.body,
                 "department_id": d.department_id, "status": d.status, "date": d.date,
                 "access": d.access} for d in docs]
        conn = db.session.connection()
        for start in range(0, len(rows), 5000):
            conn.execute(insert(model.__table__), rows[start:start + 5000])
        db.session.commit()
    return user_id


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (Whoosh's indexing processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def hub_rebuild(app, procs: int) -> tuple[int, float, float]:
    """(documents, wall seconds, CPU seconds) of ``flask search reindex``'s rebuild."""
    from hub.search.indexer import rebuild

    with app.app_context():
        started, cpu = time.perf_counter(), cpu_seconds()
        count = rebuild(app, procs=procs)
        return count, time.perf_counter() - started, cpu_seconds() - cpu


def indexing_rate(count: int, seconds: float, cpu: float, floor: dict | None) -> str:
    """Documents, time and rate of a rebuild, next to the floor when it was measured."""
    rate = count / seconds
    text = (f"{count} documents in {seconds:.1f} s = {rate:.0f} docs/s "
            f"({count / cpu:.0f} per CPU second, {cpu:.0f} CPU seconds)")
    if floor:
        text += (f"; {rate / floor['jieba_1'] * 100:.0f} % of jieba on 1 process, "
                 f"{rate / floor['jieba_2'] * 100:.0f} % of jieba on 2, per CPU second "
                 f"{count / cpu / floor['jieba_1_cpu'] * 100:.0f} %")
    return text


def hub_index_folder(app) -> Path:
    from hub.search.index import current_generation, index_root

    return current_generation(index_root(app))


# --- 4. the peer: SQLite FTS5 ----------------------------------------------------------

def build_fts(path: Path, docs: list[Doc]) -> tuple[float, float]:
    """Returns (segmentation seconds on 2 processes, FTS5 build seconds)."""
    from hub.search.analysis import jieba_instance

    jieba_instance()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        cuts = pool.map(_both_cuts, [doc_text(d) for d in docs], chunksize=200)
    segmented = time.perf_counter() - started
    started = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(words, phrase, title UNINDEXED, "
                "body UNINDEXED, tokenize='unicode61')")
    con.executemany("INSERT INTO docs(rowid, words, phrase, title, body) VALUES (?,?,?,?,?)",
                    ((d.id, w, p, d.title, d.body) for d, (w, p) in zip(docs, cuts)))
    con.commit()
    con.close()
    return segmented, time.perf_counter() - started


def fts_query(q: str) -> str:
    """The FTS5 expression for a benchmark query (the same words the hub's parser makes)."""
    from hub.search.analysis import segment

    if q.startswith('"'):
        return 'phrase : "' + " ".join(segment(q.strip('"'))) + '"'
    words = [w for part in q.split() for w in segment(part)]
    return " AND ".join(f'words : "{w}"' for w in words)


# --- 5. the queries --------------------------------------------------------------------

def pick_queries(sample: list[str], count: int, seed: int) -> dict[str, list[str]]:
    """Query words by document frequency in the sample, ~20 % of documents down to rare."""
    from hub.search.analysis import STOP_WORDS, _cut, segment

    rng = random.Random(seed)
    df: Counter[str] = Counter()
    for text in sample:
        df.update({w for w in segment(text) if len(w) > 1 and w not in STOP_WORDS})
    n = len(sample)
    bands = [(0.12, 0.30), (0.03, 0.12), (0.005, 0.03), (0.0005, 0.005)]
    banded = []
    for lo, hi in bands:
        words = sorted(w for w, c in df.items() if lo <= c / n < hi and not w.isascii())
        banded.append(words)
    per_band = max(1, count // len(bands))
    one = []
    for words in banded:
        if words:
            one += [rng.choice(words) for _ in range(per_band)]
    nouns = {w.lower() for words in TOPICS.values() for w in words.split()}
    common = banded[0] + banded[1]
    two = [f"{rng.choice(common)} {rng.choice(banded[rng.randrange(3)] or common)}"
           for _ in range(count)]
    phrase = []
    while len(phrase) < count:
        text = sample[rng.randrange(n)]
        tokens = [(w, s, e) for w, _p, s, e in _cut(text, search=False)]
        if len(tokens) < 4:
            continue
        i = rng.randrange(len(tokens) - 2)
        (w1, s1, _e1), (w2, _s2, e2) = tokens[i], tokens[i + 1]
        span = text[s1:e2]
        if len(w1) > 1 and len(w2) > 1 and "\n" not in span and len(span) <= 12 \
                and (w1 in nouns or w2 in nouns):
            phrase.append(f'"{span}"')
    return {"one word": one, "two words": two, "phrase": phrase}


def time_hub(app, user_id: int, queries: list[str], rounds: int,
             profile: cProfile.Profile | None = None) -> tuple[list[float], list[int]]:
    from hub.extensions import db
    from hub.org.models import User
    from hub.search.query import search

    latencies, totals = [], []
    # round 0 warms up; with a profile, one more round runs under it, untimed
    for round_no in range(rounds + 1 + (profile is not None)):
        profiled = round_no > rounds
        for q in queries:
            with app.test_request_context("/search/"):
                user = db.session.get(User, user_id)
                if profiled:
                    profile.enable()
                started = time.perf_counter()
                results = search(user, q, per_page=20)
                for hit in results.hits:  # what the page renders
                    str(hit.title), str(hit.snippet)
                elapsed = time.perf_counter() - started
                if profiled:
                    profile.disable()
                if results.unavailable:
                    raise SystemExit("the hub's index is unavailable")
                if round_no == 0:
                    totals.append(results.total)
                elif not profiled:
                    latencies.append(elapsed)
    return latencies, totals


def time_bare(folder: Path, queries: list[str], rounds: int) -> tuple[list[float], list[int]]:
    from whoosh import index as whoosh_index
    from whoosh.qparser import QueryParser

    ix = whoosh_index.open_dir(str(folder))
    latencies, totals = [], []
    with ix.searcher() as searcher:
        parser = QueryParser("content", ix.schema)
        for round_no in range(rounds + 1):
            for q in queries:
                started = time.perf_counter()
                results = searcher.search(parser.parse(q), limit=20)
                for hit in results:
                    hit.fields()
                elapsed = time.perf_counter() - started
                if round_no:
                    latencies.append(elapsed)
                else:
                    totals.append(len(results))
    ix.close()
    return latencies, totals


def time_fts(path: Path, queries: list[str], rounds: int) -> tuple[list[float], list[int]]:
    con = sqlite3.connect(path)
    expressions = [fts_query(q) for q in queries]
    latencies, totals = [], []
    for round_no in range(rounds + 1):
        for expr in expressions:
            started = time.perf_counter()
            rows = con.execute("SELECT rowid, title, body FROM docs WHERE docs MATCH ? "
                               "ORDER BY rank LIMIT 20", (expr,)).fetchall()
            elapsed = time.perf_counter() - started
            if round_no:
                latencies.append(elapsed)
            else:
                totals.append(con.execute("SELECT count(*) FROM docs WHERE docs MATCH ?",
                                          (expr,)).fetchone()[0])
    con.close()
    return latencies, totals


# --- 6. incremental ---------------------------------------------------------------------

#: the stream of other commits during the second incremental run: 5 documents every 0.25 s
#: (20 a second, far more than an intranet writes, but below what one writer indexes on a
#: busy 2-core machine — a faster stream only measures the queue behind it)
STREAM_BATCH = 5
STREAM_PAUSE = 0.25


def _marker(i: int) -> str:
    return f"zqmark{i:05d}"


def time_incremental(app, user_id: int, count: int, first_id: int,
                     background: bool) -> list[float]:
    """Seconds from a commit until ``search`` finds the new document; with ``background``,
    another thread commits a stream of documents meanwhile (the writer commits each batch
    as a small segment; a merger thread joins small segments beside it).  Says how many
    segments the index has at the end."""
    from hub.extensions import db
    from hub.org.models import User
    from hub.search.query import search

    model = bench_model()
    from hub.search.indexer import apply_pending

    indexer = app.extensions["hub_search_indexer"]
    with app.app_context():
        apply_pending(app)  # whatever an earlier run left queued
        indexer.ensure_started()
    stop = threading.Event()
    next_id = [first_id + count]

    def stream() -> None:
        extra = make_corpus(5000, seed=99, start_id=next_id[0])
        k = 0
        while not stop.is_set() and k < len(extra):
            with app.app_context():
                for d in extra[k:k + STREAM_BATCH]:
                    db.session.add(model(id=d.id, number=d.number, title=d.title,
                                         body=d.body, department_id=d.department_id,
                                         status=d.status, date=d.date, access=d.access))
                db.session.commit()
            k += STREAM_BATCH
            time.sleep(STREAM_PAUSE)

    streamer = threading.Thread(target=stream, daemon=True) if background else None
    if streamer:
        streamer.start()
        time.sleep(1.0)
    latencies = []
    docs = make_corpus(count, seed=42, start_id=first_id)
    for i, d in enumerate(docs):
        marker = _marker(first_id + i)
        with app.app_context():
            db.session.add(model(id=d.id, number=d.number, title=d.title,
                                 body=f"{d.body[:100]} {marker} {d.body[100:]}",
                                 department_id=1, status=d.status, date=d.date,
                                 access="bench:dept:1"))
            db.session.commit()
        started = time.perf_counter()
        while True:
            with app.test_request_context("/search/"):
                user = db.session.get(User, user_id)
                found = search(user, marker, facets=False).total
            if found:
                latencies.append(time.perf_counter() - started)
                break
            if time.perf_counter() - started > 60:
                latencies.append(float("inf"))
                break
            time.sleep(0.05)  # a user pressing reload, not a loop holding the GIL
        time.sleep(0.2)
    stop.set()
    if streamer:
        streamer.join()
    from hub.search.index import index_root, open_index

    segments = sorted(seg.doc_count_all() for seg in open_index(
        index_root(app), check=False)._read_toc().segments)
    say(f"  ({'busy' if background else 'quiet'} run: {len(segments)} segments at the end, "
        f"the largest {segments[-3:]} documents)")
    return latencies


# --- the run ---------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000, help="corpus size (100 000)")
    ap.add_argument("--quick", action="store_true", help="2 000 documents, fewer queries")
    ap.add_argument("--queries", type=int, default=40, help="queries per class (40)")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds per query (3)")
    ap.add_argument("--incremental", type=int, default=20, help="incremental adds (20)")
    ap.add_argument("--procs", type=int, default=2, help="indexing processes (2)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile the hub's queries, top functions per class")
    ap.add_argument("--reuse", action="store_true",
                    help="with --workdir: use the database and indexes an earlier --keep run "
                    "left there (for working on the query path)")
    ap.add_argument("--skip", default="", help="comma-separated phases to leave out: "
                    "floor, queries, incremental, reindex")
    args = ap.parse_args(argv)
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    if args.reuse and args.workdir is None:
        ap.error("--reuse needs --workdir")
    if args.quick:
        args.docs, args.queries, args.rounds, args.incremental = 2000, 16, 2, 8

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hub-search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    say(f"# search benchmark: {args.docs} documents, seed {args.seed}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, {datetime.now():%Y-%m-%d %H:%M}, "
        f"workdir {workdir}")
    try:
        return run(args, workdir)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path) -> int:
    started = time.perf_counter()
    docs = make_corpus(args.docs, seed=args.seed)
    chars = sum(len(doc_text(d)) for d in docs)
    say(f"corpus: {len(docs)} documents, {chars / len(docs):.0f} characters on average "
        f"({time.perf_counter() - started:.1f} s to make)")

    sample = [doc_text(d) for d in docs[: min(len(docs), 5000)]]
    floor = None
    if "floor" not in args.skip:
        floor = measure_floor(sample)
        say(f"floor on {floor['sample_docs']} documents: jieba.cut_for_search "
            f"{floor['jieba_1']:.0f} docs/s (1 process; {floor['jieba_1_cpu']:.0f} per CPU "
            f"second), {floor['jieba_2']:.0f} docs/s (2 processes); the hub's analyzer "
            f"{floor['hub_analyzer_1']:.0f} docs/s (1 process; "
            f"{floor['hub_analyzer_1_cpu']:.0f} per CPU second)")

    app = make_app(workdir)
    fts_path = workdir / "fts.sqlite3"
    if args.reuse and (workdir / "hub.sqlite3").exists():
        bench_model()
        from hub.extensions import db
        from hub.org.models import User

        with app.app_context():
            user_id = db.session.scalar(db.select(User.id).where(User.username == "bench"))
        say("reusing the database and indexes in the workdir")
    else:
        user_id = load_database(app, docs)
        count, seconds, cpu = hub_rebuild(app, args.procs)
        size = folder_size(hub_index_folder(app))
        say(f"hub indexing (rebuild, {args.procs} processes): "
            f"{indexing_rate(count, seconds, cpu, floor)}; index {size / 2**20:.0f} MB "
            f"({size / chars:.1f} bytes per character)")
        seg_s, fts_s = build_fts(fts_path, docs)
        say(f"FTS5: segmented in {seg_s:.1f} s (2 processes), built in {fts_s:.1f} s, "
            f"{fts_path.stat().st_size / 2**20:.0f} MB")
    folder = hub_index_folder(app)

    queries = pick_queries(sample, args.queries, args.seed)
    rows = []
    profiles = {}
    for name, qs in (queries.items() if "queries" not in args.skip else ()):
        profile = cProfile.Profile() if args.profile else None
        hub_l, hub_t = time_hub(app, user_id, qs, args.rounds, profile)
        bare_l, bare_t = time_bare(folder, qs, args.rounds)
        fts_l, fts_t = time_fts(fts_path, qs, args.rounds)
        rows.append((name, hub_l, bare_l, fts_l, hub_t, bare_t, fts_t))
        if profile is not None:
            profiles[name] = profile

    if rows:
        say("")
        say(f"queries ({args.queries} per class × {args.rounds} rounds, warm; ms p50 / p95; "
            "hits: mean matches per query)")
        say(f"{'class':10} | {'hub: filter+facets+snippets':>27} | {'bare Whoosh':>17} | "
            f"{'SQLite FTS5':>17} | {'hub/bare p95':>12} | {'hub/FTS5 p95':>12} | "
            f"{'hits hub / bare / FTS5':>24}")
    for name, hub_l, bare_l, fts_l, hub_t, bare_t, fts_t in rows:
        say(f"{name:10} | {fmt_ms(hub_l):>27} | {fmt_ms(bare_l):>17} | {fmt_ms(fts_l):>17} | "
            f"{pct(hub_l, 95) / pct(bare_l, 95):12.2f} | "
            f"{pct(hub_l, 95) / pct(fts_l, 95):12.2f} | "
            f"{statistics.mean(hub_t):7.0f} / {statistics.mean(bare_t):6.0f} / "
            f"{statistics.mean(fts_t):6.0f}")

    if "incremental" not in args.skip:
        from hub.extensions import db

        with app.app_context():
            first = (db.session.scalar(db.select(db.func.max(bench_model().id))) or 0) + 1
        quiet = time_incremental(app, user_id, args.incremental, first, background=False)
        busy = time_incremental(app, user_id, args.incremental, first + 100_000,
                                background=True)
        say("")
        say(f"incremental (commit → found by search), {args.incremental} documents each: "
            f"quiet {fmt_s(quiet)}; while another thread commits {STREAM_BATCH} documents every "
            f"{STREAM_PAUSE} s: {fmt_s(busy)}")

    if "reindex" not in args.skip:
        count, seconds, cpu = hub_rebuild(app, args.procs)
        say(f"reindex ({args.procs} processes): {indexing_rate(count, seconds, cpu, floor)}")

    for name, profile in profiles.items():
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(25)
        say(f"\n## profile of the hub's {name} queries (cumulative)\n"
            + "\n".join(out.getvalue().splitlines()[:45]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
