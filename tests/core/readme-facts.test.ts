/** The README states the defaults a community starts with: they must be the ones the code uses. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAILY_REPORTS } from '../../core/affair-machine';
import { DEFAULT_AFFAIR_RULES, defaultDeadlineHours } from '../../core/settings';
import { AFFAIR_CATEGORIES, MAX_DEPARTMENTS } from '../../core/contract/department';
import { HALL_DECLINE_LIMIT, MAX_ASSIGNMENTS } from '../../core/order-machine';
import { LIST_TEXT_CHARS } from '../../core/order-view';
import { MAX_AFFAIRS_PER_LOG, MAX_HOUSEHOLDS_PER_LOG, PATROL_DAYS_BACK } from '../../core/patrols';
import { MAX_WAITLIST } from '../../core/usecases/activity';
import { MAX_SERVICES } from '../../core/usecases/catalog';
import { MAX_GOODS } from '../../core/usecases/mall';
import { RECORD_HISTORY_SHOWN } from '../../core/usecases/record';
import { RECONCILIATIONS_ON_DEMAND_PER_DAY } from '../../core/usecases/reconcile';
import { REPORT_EXPORTS_PER_DAY, REPORT_URL_SECONDS } from '../../core/usecases/report';
import { REPORT_FILE_DAYS } from '../../core/usecases/report/cleanup';
import { MAX_REPORT_DAYS } from '../../core/usecases/report/period';
import { MAX_PROPOSALS_PER_DAY } from '../../core/usecases/rules';
import { MAX_WRITE_OFFS_PER_DAY } from '../../core/usecases/stock';
import { DEFAULT_DAILY_LIMITS, DEFAULT_MINUTES_CHECK_RATIO, DEFAULT_ORDER_LIMITS, DEFAULT_POINTS_CAPS, MINUTES_ALWAYS_CHECKED, POINTS_CAP_LIMITS } from '../../core/settings';

const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### 防作弊与防刷'), readme.indexOf('### 示例数据与示例用户'));

describe('README: 防作弊与防刷', () => {
  it('states the default caps, limits and bounds the code uses', () => {
    const c = DEFAULT_POINTS_CAPS;
    expect(section).toContain(`服务基础积分 ≤ ${c.servicePoints}，评分倍数 ≤ ${c.scoreMultiplier}，活动每小时 ≤ ${c.activityPointsPerHour}，推荐奖励 ≤ ${c.awardPoints}`);
    const l = POINTS_CAP_LIMITS;
    expect(section).toContain(`不超过 ${l.servicePoints}、${l.scoreMultiplier}、${l.activityPointsPerHour}、${l.awardPoints}`);
    expect(section).toContain(`${c.servicePoints} × ${c.scoreMultiplier} = ${c.servicePoints * c.scoreMultiplier} 分`);
    const o = DEFAULT_ORDER_LIMITS;
    expect(section).toContain(`每位居民最多 ${o.openPerResident} 个未完成订单、每天最多下 ${o.perResidentPerDay} 单`);
    expect(section).toContain(`（未完成 ${o.openOnBehalf} 个、每天 ${o.onBehalfPerDay} 单）`);
    const d = DEFAULT_DAILY_LIMITS;
    expect(section).toContain(`每人每天兑换 ${d.redemptions} 次、申请证明 ${d.certificates} 份、推荐 ${d.nominations} 次、申请更正 ${d.corrections} 条、退单 ${d.handBacks} 次`);
    expect(section).toContain(`超过该服务预计用时的 ${DEFAULT_MINUTES_CHECK_RATIO} 倍`);
    expect(section).toContain(`一个订单最多派单 ${MAX_ASSIGNMENTS} 次；被 ${HALL_DECLINE_LIMIT} 位志愿者婉拒后离开抢单大厅`);
    expect(section).toContain(`长文字只取前 ${LIST_TEXT_CHARS} 字`);
    expect(section).toContain(`或超过 ${MINUTES_ALWAYS_CHECKED / 60} 小时`);
    expect(section).toContain(`每个社区最多 ${MAX_SERVICES} 项服务、${MAX_GOODS} 种商品`);
    expect(section).toContain(`每天最多提交 ${MAX_PROPOSALS_PER_DAY} 条规则调整`);
    expect(section).toContain(`每种商品同时只能有一笔待审核的损耗，每人每天最多提交 ${MAX_WRITE_OFFS_PER_DAY} 笔`);
    expect(readme).toContain(`立即对账，仅工作人员，每个社区每天 ${RECONCILIATIONS_ON_DEMAND_PER_DAY} 次`);
    expect(section).toContain(`只显示最近 ${RECORD_HISTORY_SHOWN} 条修改与更正申请；活动候补最多 ${MAX_WAITLIST} 人`);
    expect(section).toContain(`报表导出每人每天 ${REPORT_EXPORTS_PER_DAY} 次`);
    expect(section).toContain(`导出的文件 ${REPORT_FILE_DAYS} 天后删除`);
  });
});

describe('README: 报表导出', () => {
  const exports = readme.slice(readme.indexOf('### 报表导出（Excel 台账）'), readme.indexOf('### 防作弊与防刷'));

  it('states the period, the address and the files as the code has them', () => {
    expect(exports).toContain(`最长 ${MAX_REPORT_DAYS} 天`);
    expect(exports).toContain(`\`url\` ${REPORT_URL_SECONDS / 3600} 小时内有效`);
    expect(exports).toContain(`文件 ${REPORT_FILE_DAYS} 天后由定时器删除`);
  });
});

describe('README: 网格发现 → 社区吹哨 → 部门报到', () => {
  const affairs = readme.slice(readme.indexOf('## 网格发现 → 社区吹哨 → 部门报到'), readme.indexOf('## 志愿活动、服务记录与证明'));

  it('states the categories, caps and deadlines the code uses', () => {
    expect(affairs).toContain(`类别（${AFFAIR_CATEGORIES.join('、')}）`);
    expect(affairs).toContain(`居民每人每天最多上报 ${DAILY_REPORTS.resident} 个，网格员和工作人员 ${DAILY_REPORTS.official} 个`);
    const ordinary = defaultDeadlineHours(DEFAULT_AFFAIR_RULES, '环境卫生', '一般');
    expect(DEFAULT_AFFAIR_RULES.categories.every((item) => item.deadlineHours === ordinary)).toBe(true);
    expect(affairs).toContain(`时限默认按社区设置的类别时限（初始每类 ${ordinary} 小时），紧急的取一半、不超过 ${defaultDeadlineHours(DEFAULT_AFFAIR_RULES, '环境卫生', '紧急')} 小时`);
    expect(affairs).toContain(`超期 ${DEFAULT_AFFAIR_RULES.escalateAfterOverdues} 次（社区设置）`);
    expect(readme).toContain(`每个社区最多 ${MAX_DEPARTMENTS} 个）`);
  });
});

describe('README: 巡查走访台账与网格月通报', () => {
  const patrols = readme.slice(readme.indexOf('### 巡查走访台账与网格月通报'), readme.indexOf('### 报表导出（Excel 台账）'));

  it('states the bounds of a log as the code has them', () => {
    expect(patrols).toContain(`日期只能是今天或此前 ${PATROL_DAYS_BACK} 天`);
    expect(patrols).toContain(`走访户数不超过 ${MAX_HOUSEHOLDS_PER_LOG} 户`);
    expect(patrols).toContain(`发现的事件编号最多 ${MAX_AFFAIRS_PER_LOG} 个`);
  });
});
