/**
 * One service record with everything the 办法 (Art. 7) asks a record to hold, every change made to
 * it (who, when, before → after) and my correction requests. The 申请更正 form starts from the
 * record's values; only what I change is sent. Whether I may ask is the record's `allowed` (one
 * request at a time: not while one waits for review). The form's clientRequestId lives until the request succeeds, so a second tap
 * after a lost reply finds the first request instead of making another.
 */
import type { CorrectionView, RecordChangeView, ServiceRecordView, VolunteerRecordProfile } from '../../../core/contract';
import type { CorrectableField, RecordFields } from '../../../core/model';
import { call, newRequestId } from '../../api/api';
import { refreshPage } from '../../behaviors/refresh';
import { formatTime, largeText, wholeNumber } from '../../utils/format';
import { RECORD_FIELD_TEXT, RECORD_SOURCE_TEXT, REVIEW_STATUS_TAG, REVIEW_STATUS_TEXT } from '../../utils/labels';
import { beijingToday, durationText } from '../../utils/records';

interface Diff {
  label: string;
  before: string;
  after: string;
}

type ChangeRow = RecordChangeView & { atText: string; diffs: Diff[] };
type CorrectionRow = CorrectionView & { statusText: string; statusTag: string; requestedAtText: string; reviewedAtText: string; asked: Diff[] };

type FormField = 'minutes' | 'date' | 'place' | 'content' | 'reason';

const FIELD_ORDER = ['minutes', 'hours', 'date', 'place', 'content'] as const;

function valueText(value: string | number | undefined): string {
  return value === undefined ? '—' : String(value);
}

function diffs(before: RecordFields, after: RecordFields): Diff[] {
  return FIELD_ORDER.filter((field) => before[field] !== undefined || after[field] !== undefined).map((field) => ({
    label: RECORD_FIELD_TEXT[field],
    before: valueText(before[field]),
    after: valueText(after[field]),
  }));
}

function changeRow(change: RecordChangeView): ChangeRow {
  return { ...change, atText: formatTime(change.at), diffs: diffs(change.before, change.after) };
}

function correctionRow(correction: CorrectionView, record: ServiceRecordView): CorrectionRow {
  const asked = Object.keys(correction.changes) as CorrectableField[];
  return {
    ...correction,
    statusText: REVIEW_STATUS_TEXT[correction.status],
    statusTag: REVIEW_STATUS_TAG[correction.status],
    requestedAtText: formatTime(correction.requestedAt),
    reviewedAtText: formatTime(correction.reviewedAt),
    asked: FIELD_ORDER.filter((field): field is CorrectableField => field !== 'hours' && asked.includes(field)).map((field) => ({
      label: RECORD_FIELD_TEXT[field],
      before: valueText(record[field]),
      after: valueText(correction.changes[field]),
    })),
  };
}

/** The record's fields as the 办法 names them, in its order. */
function fieldRows(record: ServiceRecordView): Array<{ label: string; value: string }> {
  return [
    { label: '活动名称', value: record.activityName },
    { label: '服务日期', value: record.date },
    { label: '服务地点', value: record.place },
    { label: '服务内容', value: record.content },
    { label: '服务时间', value: `${record.hours} 小时（实际 ${durationText(record.minutes)}）` },
    ...(record.category ? [{ label: '服务类别', value: record.category }] : []),
    { label: '组织单位', value: record.organiser },
    { label: '负责人', value: record.personInCharge },
    { label: '志愿者', value: record.volunteerName },
    { label: '记录来源', value: RECORD_SOURCE_TEXT[record.source] ?? record.source },
  ];
}

/** The volunteer's Art. 5 fields that go with the record: only those they gave, phone and ID masked. */
function personRows(volunteer: VolunteerRecordProfile | null): Array<{ label: string; value: string }> {
  if (!volunteer) return [];
  return [
    { label: '姓名', value: volunteer.name },
    ...(volunteer.gender ? [{ label: '性别', value: volunteer.gender }] : []),
    { label: '出生日期', value: volunteer.birthDate },
    { label: '居住区域', value: volunteer.region },
    { label: '联系方式', value: volunteer.phoneMasked },
    ...(volunteer.idNumberMasked ? [{ label: '身份证号', value: volunteer.idNumberMasked }] : []),
    ...(volunteer.skills.length > 0 ? [{ label: '专业技能', value: volunteer.skills.join('、') }] : []),
    ...(volunteer.serviceCategory ? [{ label: '服务类别', value: volunteer.serviceCategory }] : []),
  ];
}

const emptyForm = { minutes: '', date: '', place: '', content: '', reason: '' };

Component({
  behaviors: [refreshPage],
  data: {
    largeText: false,
    recordId: '',
    loading: true,
    error: '',
    record: null as ServiceRecordView | null,
    fields: [] as Array<{ label: string; value: string }>,
    person: [] as Array<{ label: string; value: string }>,
    changes: [] as ChangeRow[],
    corrections: [] as CorrectionRow[],
    /** A request waits for review (更正中). */
    pending: false,
    /** The cloud allows me to ask for a correction now. */
    canCorrect: false,
    // 申请更正
    formOpen: false,
    form: { ...emptyForm },
    errors: {} as Partial<Record<FormField, string>>,
    formError: '',
    requestId: '',
    submitting: false,
    today: beijingToday(),
  },
  methods: {
    onLoad(query: { id?: string } = {}) {
      this.setData({ largeText: largeText(), recordId: query.id ? decodeURIComponent(query.id) : '' });
      void this.load();
    },
    async load() {
      if (!this.data.recordId) {
        this.setData({ loading: false, error: '缺少记录编号，请从服务记录列表进入' });
        return;
      }
      this.setData({ loading: true, error: '' });
      const reply = await call('record.get', { recordId: this.data.recordId }, { toast: false });
      if (!reply.ok) {
        this.setData({ loading: false, error: reply.error.message });
        return;
      }
      const { record, changes, corrections, volunteer } = reply.data;
      const pending = record.pendingCorrectionId !== undefined;
      const canCorrect = record.allowed.includes('requestCorrection');
      this.setData({
        loading: false,
        record,
        fields: fieldRows(record),
        person: personRows(volunteer),
        changes: changes.map(changeRow),
        corrections: corrections.map((c) => correctionRow(c, record)),
        pending,
        canCorrect,
        ...(canCorrect ? {} : { formOpen: false }),
      });
    },

    onOpenForm() {
      const record = this.data.record;
      if (!record || !this.data.canCorrect) return;
      this.setData({
        formOpen: true,
        form: { minutes: String(record.minutes), date: record.date, place: record.place, content: record.content, reason: '' },
        errors: {},
        formError: '',
        // A new request starts here; a failed submit keeps it, so the retry is the same request.
        requestId: this.data.requestId || newRequestId(),
      });
    },
    onCloseForm() {
      this.setData({ formOpen: false, formError: '' });
    },
    onInput(event: Vant.FieldChange) {
      const field = String(event.currentTarget.dataset.field) as FormField;
      this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '', formError: '' });
    },
    onDate(event: WechatMiniprogram.PickerChange) {
      this.setData({ 'form.date': String(event.detail.value), 'errors.date': '', formError: '' });
    },
    async onSubmit() {
      const record = this.data.record;
      if (!record || this.data.submitting || !this.data.canCorrect) return;
      const form = this.data.form;
      const errors: Partial<Record<FormField, string>> = {};
      const changes: { minutes?: number; date?: string; place?: string; content?: string } = {};

      const minutes = wholeNumber(form.minutes, '服务时长', 0, 24 * 60);
      if (typeof minutes === 'string') errors.minutes = minutes;
      else if (minutes !== record.minutes) changes.minutes = minutes;
      if (!form.date) errors.date = '请选择服务日期';
      else if (form.date !== record.date) changes.date = form.date;
      const place = form.place.trim();
      if (!place) errors.place = '请填写服务地点';
      else if (place.length > 60) errors.place = '服务地点不能超过 60 个字';
      else if (place !== record.place) changes.place = place;
      const content = form.content.trim();
      if (!content) errors.content = '请填写服务内容';
      else if (content.length > 500) errors.content = '服务内容不能超过 500 个字';
      else if (content !== record.content) changes.content = content;
      const reason = form.reason.trim();
      if (!reason) errors.reason = '请填写更正理由';
      else if (reason.length > 200) errors.reason = '更正理由不能超过 200 个字';

      const formError = Object.keys(errors).length === 0 && Object.keys(changes).length === 0 ? '请至少修改一项要更正的内容' : '';
      this.setData({ errors, formError });
      if (Object.keys(errors).length > 0 || formError) return;

      this.setData({ submitting: true });
      const reply = await call(
        'record.requestCorrection',
        { recordId: record.id, ...changes, reason, clientRequestId: this.data.requestId },
        { loading: '正在提交', toast: false },
      );
      this.setData({ submitting: false });
      if (!reply.ok) {
        this.setData({ formError: reply.error.message });
        // Someone else's request (another phone) may be waiting: show it.
        if (reply.error.code === 'CONFLICT') await this.load();
        return;
      }
      this.setData({ formOpen: false, form: { ...emptyForm }, requestId: '' });
      wx.showToast({ title: '已提交，等待社区审核', icon: 'none' });
      await this.load();
    },
  },
});
