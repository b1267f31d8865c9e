/**
 * The privacy inventory (core/privacy.ts) cannot drift from what is stored: every top-level field of
 * every collection's document type in core/model.ts is classified there (personal or not), and
 * nothing is classified that is no longer stored. The fields are read from the types themselves
 * from the source of core/model.ts, so adding a field to a document without saying what it is fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS, type CollectionName } from '../../core/model';
import { PRIVACY_ITEMS, privacyPolicyLines, STORED_FIELDS, WECHAT_PRIVACY_PURPOSES } from '../../core/privacy';

/** The document type of each collection, by its name in core/model.ts. */
const DOCUMENT_TYPES: Record<CollectionName, string> = {
  users: 'User',
  communities: 'Community',
  invitations: 'Invitation',
  services: 'ServiceItem',
  volunteers: 'Volunteer',
  orders: 'Order',
  points_accounts: 'PointsAccount',
  points_ledger: 'LedgerEntry',
  goods: 'Goods',
  redemptions: 'Redemption',
  stock_moves: 'StockMove',
  write_offs: 'WriteOff',
  service_records: 'ServiceRecord',
  record_changes: 'RecordChange',
  record_corrections: 'RecordCorrection',
  certificates: 'Certificate',
  activities: 'Activity',
  activity_signups: 'ActivitySignup',
  award_nominations: 'AwardNomination',
  quotas: 'Quota',
  rule_changes: 'RuleChange',
  reconciliations: 'Reconciliation',
  admins: 'AdminGrant',
  admin_registry: 'AdminRegistry',
  holiday_calendars: 'HolidayCalendarDoc',
  holiday_calendar_changes: 'HolidayCalendarChange',
  report_exports: 'ReportExport',
  departments: 'Department',
  affairs: 'Affair',
  patrol_logs: 'PatrolLog',
  role_removals: 'RoleRemoval',
  households: 'Household',
  council_matters: 'CouncilMatter',
  council_comments: 'CouncilComment',
  council_votes: 'CouncilVote',
  household_claims: 'HouseholdClaim',
  household_visits: 'HouseholdVisit',
};

/**
 * The top-level property names of each interface of core/model.ts (with those of the interfaces it
 * extends), and of each type alias that is a union of interfaces. Read from the source text: the
 * project's TypeScript (7, native) has no compiler API, and model.ts is formatted by one tool.
 */
function storedFields(): Map<string, string[]> {
  const text = fs
    .readFileSync(path.resolve(__dirname, '../../core/model.ts'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');
  const own = new Map<string, { fields: string[]; bases: string[] }>();
  for (const match of text.matchAll(/interface (\w+)(?: extends ([\w, ]+))? \{/g)) {
    const open = match.index + match[0].length;
    let depth = 0;
    let end = open;
    for (; end < text.length && depth >= 0; end++) depth += text[end] === '{' ? 1 : text[end] === '}' ? -1 : 0;
    const fields: string[] = [];
    let nesting = 0;
    for (const line of text.slice(open, end - 1).split('\n')) {
      const property = /^\s*(?:readonly\s+)?(\w+)\??:/.exec(line);
      if (nesting === 0 && property) fields.push(property[1]!);
      for (const char of line) nesting += char === '{' || char === '(' ? 1 : char === '}' || char === ')' ? -1 : 0;
    }
    own.set(match[1]!, { fields, bases: (match[2] ?? '').split(',').map((base) => base.trim()).filter(Boolean) });
  }
  const fieldsOf = (name: string): string[] => {
    const found = own.get(name);
    if (!found) throw new Error(`core/model.ts has no interface ${name}`);
    return [...found.fields, ...found.bases.flatMap(fieldsOf)];
  };
  const result = new Map<string, string[]>();
  for (const name of own.keys()) result.set(name, [...new Set(fieldsOf(name))].sort());
  for (const match of text.matchAll(/export type (\w+) = (\w+(?: \| \w+)+);/g)) {
    const members = match[2]!.split(' | ');
    if (members.every((member) => own.has(member))) result.set(match[1]!, [...new Set(members.flatMap(fieldsOf))].sort());
  }
  return result;
}

describe('the privacy inventory', () => {
  const fields = storedFields();

  it('names every collection of COLLECTIONS, and only those', () => {
    expect(Object.keys(STORED_FIELDS).sort()).toEqual(Object.values(COLLECTIONS).sort());
    expect(Object.keys(DOCUMENT_TYPES).sort()).toEqual(Object.values(COLLECTIONS).sort());
  });

  it.each(Object.values(COLLECTIONS))('classifies every field %s stores, and no field it does not', (collection) => {
    const typeName = DOCUMENT_TYPES[collection];
    const stored = fields.get(typeName);
    expect(stored, `core/model.ts exports no type ${typeName}`).toBeDefined();
    expect(Object.keys(STORED_FIELDS[collection]).sort(), `core/privacy.ts STORED_FIELDS.${collection} against ${typeName}`).toEqual(stored);
  });

  it('describes every kind of personal information a field holds, and lists none that nothing holds', () => {
    const used = new Set(Object.values(STORED_FIELDS).flatMap((byField) => Object.values(byField).filter((kind) => kind !== null)));
    expect([...used].sort()).toEqual(PRIVACY_ITEMS.map((item) => item.kind).sort());
    for (const item of PRIVACY_ITEMS) for (const text of [item.title, item.what, item.purpose, item.seenBy, item.retention]) expect(text.length).toBeGreaterThan(1);
    for (const { kind } of WECHAT_PRIVACY_PURPOSES) expect(used.has(kind)).toBe(true);
  });

  it('says what is collected, why, who sees it and how long, for each kind', () => {
    const lines = privacyPolicyLines();
    expect(lines).toHaveLength(PRIVACY_ITEMS.length);
    expect(lines.find((line) => line.startsWith('身份证号'))).toMatch(/用途：.+谁能看到：.*部分号码.+保存期限：.*注销时删除/);
  });
});
