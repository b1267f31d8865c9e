/**
 * The `certificate` function: certificates of volunteer service (志愿服务记录与证明出具办法
 * Arts. 14–17). A volunteer asks for one for a period and gets it at once, free; it states the
 * service time, the kinds of service and the recording unit (Art. 15), and carries a verification
 * code anyone can check without logging in. The check shows the name and the totals, nothing else.
 */
import type { CertificateCheck, CertificateView } from '../contract';
import { certificateCode, groupCode, isWellFormedCertificateCode, normaliseCode } from '../codes';
import { DomainError } from '../errors';
import type { Handlers } from '../handlers';
import { COLLECTIONS, type Certificate, type ServiceRecord } from '../model';
import type { Deps } from '../ports';
import { sumHours } from '../volunteer-hours';
import { dailyLimitsOf } from '../settings';
import { iso } from '../time';
import { memberCommunity } from './shared/access';
import { keysetPage } from './shared/paging';
import { loadCommunity, readAll, readByIds } from './shared/store';
import { quotaKey, takeDailyQuota } from './shared/quota';

const certificatesOf = (deps: Deps) => deps.store.collection<Certificate>(COLLECTIONS.certificates);

/** A fresh code is tried again only if it was already taken (31^11 codes: practically never). */
const CODE_ATTEMPTS = 5;

export const certificateView = (certificate: Certificate): CertificateView => ({
  code: certificate._id,
  printedCode: groupCode(certificate._id),
  volunteerName: certificate.volunteerName,
  communityName: certificate.communityName,
  from: certificate.from,
  to: certificate.to,
  totalHours: certificate.totalHours,
  recordCount: certificate.recordCount,
  content: certificate.content,
  issuedAt: iso(certificate.issuedAt),
  superseded: certificate.supersededAt !== undefined && certificate.supersededAt !== null,
});

/** Kinds of service a certificate names one by one; the rest are summed in one line. */
export const CONTENT_LINES = 20;

/**
 * Hours per kind of service, the largest first. A volunteer of many years may have served in
 * hundreds of activities: past CONTENT_LINES the rest go into one line, so a certificate (and a
 * list of them) stays a page, not a ledger. The totals count every record.
 */
export function contentOf(records: readonly ServiceRecord[]): Certificate['content'] {
  const groups = new Map<string, number[]>();
  for (const record of records) groups.set(record.activityName, [...(groups.get(record.activityName) ?? []), record.hours]);
  const lines = [...groups.entries()]
    .map(([activityName, hours]) => ({ activityName, hours: sumHours(hours), count: hours.length }))
    .sort((a, b) => b.hours - a.hours || b.count - a.count || a.activityName.localeCompare(b.activityName));
  if (lines.length <= CONTENT_LINES) return lines;
  const rest = lines.slice(CONTENT_LINES - 1);
  return [
    ...lines.slice(0, CONTENT_LINES - 1),
    { activityName: `其他 ${rest.length} 项服务`, hours: sumHours(rest.map((line) => line.hours)), count: rest.reduce((sum, line) => sum + line.count, 0) },
  ];
}

async function issuedFor(deps: Deps, openid: string, clientRequestId: string): Promise<Certificate | null> {
  const [existing] = await certificatesOf(deps).find({ openid, clientRequestId }, { limit: 1 });
  return existing ?? null;
}

function sameRequest(certificate: Certificate, input: { from: string; to: string }): Certificate {
  if (certificate.from !== input.from || certificate.to !== input.to) throw new DomainError('CONFLICT', '该请求编号已用于另一份证明，请重新提交');
  return certificate;
}

/**
 * Whether the records a certificate counts are still as it counted them. An approved correction
 * marks the certificates it finds, but one issued at the very moment of the correction can be
 * missed; whoever checks a code must still be told the truth, so the check compares the record
 * versions itself (a read per hundred records) and marks the certificate for its holder's list too.
 */
async function withCurrentStanding(deps: Deps, certificate: Certificate): Promise<Certificate> {
  if (certificate.supersededAt) return certificate;
  const current = await readByIds(deps.store.collection<ServiceRecord>(COLLECTIONS.serviceRecords), certificate.records.map((record) => record.id));
  const changed = certificate.records.some((counted) => (current.get(counted.id)?.version ?? 1) !== counted.version);
  if (!changed) return certificate;
  const supersededAt = deps.clock.now();
  await certificatesOf(deps).update({ _id: certificate._id, supersededAt: { exists: false } }, { set: { supersededAt } });
  return { ...certificate, supersededAt };
}

export const certificateHandlers: Handlers<'certificate'> = {
  'certificate.request': async (input, { caller, deps }) => {
    const communityId = memberCommunity(caller);
    const retried = await issuedFor(deps, caller.openid, input.clientRequestId);
    if (retried) return certificateView(sameRequest(retried, input));

    const community = await loadCommunity(deps, communityId, caller);
    // The community certifies what it recorded (Art. 15: the recording unit issues the certificate).
    const records = await readAll(
      deps.store.collection<ServiceRecord>(COLLECTIONS.serviceRecords),
      { openid: caller.openid, communityId, date: { gte: input.from } },
      {
        orderBy: [
          ['date', 'asc'],
          ['_id', 'asc'],
        ],
        stop: (record) => record.date > input.to,
      },
    );
    if (records.length === 0) throw new DomainError('INVALID_INPUT', '该时间段内没有志愿服务记录');
    const issuedAt = deps.clock.now();
    const fields: Omit<Certificate, '_id'> = {
      communityId,
      communityName: community.name,
      openid: caller.openid,
      volunteerName: caller.volunteer?.realName ?? caller.user?.name ?? '',
      from: input.from,
      to: input.to,
      totalHours: sumHours(records.map((record) => record.hours)),
      recordCount: records.length,
      records: records.map((record) => ({ id: record._id, date: record.date, activityName: record.activityName, hours: record.hours, version: record.version ?? 1 })),
      content: contentOf(records),
      clientRequestId: input.clientRequestId,
      issuedAt,
    };
    const limit = dailyLimitsOf(community).certificates;
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      // The code is the _id: verifying is one read, and a taken code is refused by the database.
      const certificate: Certificate = { _id: certificateCode(deps.random.code(11)), ...fields };
      try {
        // With the day's count: a certificate is free, but not a way to fill the database.
        const added = await deps.store.transaction(async (tx) => {
          const certificates = tx.collection<Certificate>(COLLECTIONS.certificates);
          if (await certificates.get(certificate._id)) return false;
          await takeDailyQuota(tx, quotaKey('certificate', caller.openid), limit, issuedAt, `您今天已申请 ${limit} 份证明，已达社区每天的上限，请明天再申请`);
          await certificates.add(certificate);
          return true;
        });
        if (added) return certificateView(certificate);
      } catch (error) {
        if (error instanceof DomainError) throw error;
      }
      // Refused: the same request won a race (unique request id), or the code was taken.
      const raced = await issuedFor(deps, caller.openid, input.clientRequestId);
      if (raced) return certificateView(sameRequest(raced, input));
    }
    throw new DomainError('CONFLICT', '证明编号暂时无法生成，请稍后重试');
  },

  'certificate.mine': async (input, { caller, deps }) => {
    memberCommunity(caller);
    return keysetPage(
      certificatesOf(deps),
      { openid: caller.openid },
      [
        ['issuedAt', 'desc'],
        ['_id', 'desc'],
      ],
      input,
      certificateView,
      // The records a certificate counts are for checking it, not for the list.
      { omit: ['records'] },
    );
  },

  'certificate.verify': async (input, { deps }) => {
    const code = normaliseCode(input.code);
    // The check character catches a mistyped or altered code before any lookup.
    if (!isWellFormedCertificateCode(code)) throw new DomainError('INVALID_INPUT', '验证码有误，请核对后重新输入');
    const found = await certificatesOf(deps).get(code);
    if (!found) throw new DomainError('NOT_FOUND', '查无此证明，请核对验证码');
    const certificate = await withCurrentStanding(deps, found);
    // Built field by field: the openid and the record list stay on the server.
    const { code: _code, ...check } = certificateView(certificate);
    return check satisfies CertificateCheck;
  },
};
