/** Actions of the `volunteer` function: applying, staff review and list, pausing new work. */
import { z } from 'zod';
import type { Volunteer } from '../model';
import { birthDateOfIdNumber, isValidIdNumber, normaliseIdNumber } from '../id-number';
import { action, type Iso } from './define';
import { calendarDate, id, NOT_TEXT, optionalText, paging, type Page, personName, shortText, skills, yesNo } from './fields';

/** A volunteer as staff (and the volunteer) see them: the stored fields, with age instead of birth date. */
export type VolunteerView = Pick<
  Volunteer,
  'realName' | 'phone' | 'skills' | 'availability' | 'available' | 'partyMember' | 'partyOrganisation' | 'gridId' | 'status' | 'reviewNote'
> & {
  openid: string;
  gender?: '男' | '女';
  /** Only ever masked (e.g. 110105********123X). */
  idNumberMasked?: string;
  /** Present when the phone was never verified by WeChat (records from before verification): 未验证. */
  phoneUnverified?: true;
  appliedAt: Iso;
  age: number;
  stats: { activeOrders: number; completedOrders: number; averageStars: number | null };
};

export const volunteerActions = {
  'volunteer.apply': action<VolunteerView>()({
    roles: ['registered'],
    input: z
      .object({
        realName: personName,
        // No phone: the application takes the one WeChat verified for the applicant's profile.
        birthDate: calendarDate('出生日期'),
        gender: z.enum(['男', '女'], { error: '性别只能是男或女' }).optional(),
        /** Optional (办法 Art. 5); checked against GB 11643 and against the birth date given. */
        idNumber: z
          .string({ error: '身份证号码格式无效' })
          .transform(normaliseIdNumber)
          .refine((value) => value === '' || isValidIdNumber(value), { error: '身份证号码有误，请核对（18 位，最后一位可能是 X）' })
          // Checked digit by digit against GB 11643 (and never shown unmasked): a format, not text.
          .meta(NOT_TEXT)
          .optional(),
        guardianConsent: yesNo('监护人是否同意').optional(),
        skills: skills.min(1, { error: '请至少选择一项技能' }),
        availability: shortText('可服务时间', 100),
        partyMember: yesNo('是否党员'),
        partyOrganisation: optionalText('所在党组织', 60),
        gridId: id,
        building: optionalText('楼栋', 20),
        consent: z.literal(true, { error: '请阅读并同意志愿者服务协议与个人信息使用说明' }),
      })
      // 双报到: a party member reports to the community through their own organisation.
      .refine((input) => !input.partyMember || Boolean(input.partyOrganisation), {
        error: '党员请填写所在党组织',
        path: ['partyOrganisation'],
      })
      .refine((input) => !input.idNumber || birthDateOfIdNumber(input.idNumber) === input.birthDate, {
        error: '身份证号码中的出生日期与所填出生日期不一致',
        path: ['idNumber'],
      }),
  }),
  'volunteer.review': action<VolunteerView>()({
    roles: ['staff'],
    input: z.discriminatedUnion(
      'decision',
      [
        z.object({ openid: id, decision: z.literal('approve'), note: optionalText('审核意见', 200) }),
        z.object({
          openid: id,
          decision: z.literal('reject'),
          // A rejected applicant deserves to know why, so the reason is required.
          note: z.string({ error: '请填写不通过的原因' }).pipe(shortText('不通过的原因', 200)),
        }),
      ],
      { error: '请选择审核结果：通过或不通过' },
    ),
  }),
  'volunteer.list': action<Page<VolunteerView>>()({
    roles: ['staff'],
    input: z.object({
      status: z.enum(['pending', 'approved', 'rejected'], { error: '审核状态只能是待审核、已通过或未通过' }).optional(),
      ...paging,
    }),
  }),
  'volunteer.setAvailable': action<VolunteerView>()({
    roles: ['volunteer'],
    input: z.object({ available: yesNo('是否接受新的服务') }),
  }),
} as const;
