/**
 * Actions of the `certificate` function: certificates of service hours (办法 Arts. 14–17) and their
 * public check.
 */
import { z } from 'zod';
import { action, type Iso } from './define';
import { calendarDate, clientRequestId, NOT_TEXT, paging, type Page } from './fields';

export interface CertificateView {
  /** The verification code, and as printed (ABCD-EFGH-JKLM). */
  code: string;
  printedCode: string;
  volunteerName: string;
  /** 记录单位 (Art. 15). */
  communityName: string;
  from: string;
  to: string;
  totalHours: number;
  recordCount: number;
  content: Array<{ activityName: string; hours: number; count: number }>;
  issuedAt: Iso;
  /** A record it counts was corrected after issue: a new certificate shows the current totals. */
  superseded: boolean;
}

/** What anyone holding a certificate's code may see: the totals and the name, nothing else. */
export type CertificateCheck = Omit<CertificateView, 'code'>;

export const certificateActions = {
  /** Issues my certificate for a period (free, at once); asking again with the same request id returns it. */
  'certificate.request': action<CertificateView>()({
    roles: ['registered'],
    input: z
      .object({ from: calendarDate('开始日期'), to: calendarDate('结束日期'), clientRequestId })
      .refine((input) => input.from <= input.to, { error: '开始日期不能晚于结束日期', path: ['to'] }),
  }),
  'certificate.mine': action<Page<CertificateView>>()({ roles: ['registered'], input: z.object({ ...paging }) }),
  /** Anyone, without logging in: the certificate's totals and name for its code. */
  'certificate.verify': action<CertificateCheck>()({
    roles: ['anyone'],
    input: z.object({ code: z.string({ error: '请输入证明上的验证码' }).trim().min(1, { error: '请输入证明上的验证码' }).max(40, { error: '验证码过长' }).meta(NOT_TEXT) }),
  }),
} as const;
