/**
 * 放假调休: the year's national holiday arrangement, which the State Council (国务院办公厅) publishes
 * each November, entered by an administrator so the 10-working-day rule of service records stays
 * right without a new release. A year shows what applies: the stored arrangement, else the one the
 * release ships (the form starts from it), else none (only weekends are days off). Days off are
 * added one day or a run of days at a time, make-up working days (调休上班) one by one; the cloud
 * checks them (in the year, make-up days on weekends) and logs who changed what, listed below.
 */
import type { HolidayCalendarView, HolidayChangeView } from '../../../core/contract';
import { call } from '../../api/api';
import { formatTime } from '../../utils/format';
import { refreshPage } from '../../behaviors/refresh';

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** Calendar days as YYYY-MM-DD in UTC, so no time zone shifts a day. */
const weekdayOf = (day: string): string => WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()] ?? '';
function daysFrom(start: string, end: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${start}T00:00:00Z`); at <= Date.parse(`${end}T00:00:00Z`) && days.length < 60; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}
const sortedUnique = (days: string[]): string[] => [...new Set(days)].sort();

interface DayChip {
  day: string;
  text: string;
}
const chips = (days: string[]): DayChip[] => days.map((day) => ({ day, text: `${day.slice(5)} ${weekdayOf(day)}` }));

interface ChangeRow extends HolidayChangeView {
  changedText: string;
  summary: string;
}

function summaryOf(change: HolidayChangeView): string {
  const parts: string[] = [];
  if (change.addedOff.length) parts.push(`新增放假 ${change.addedOff.join('、')}`);
  if (change.removedOff.length) parts.push(`取消放假 ${change.removedOff.join('、')}`);
  if (change.addedWork.length) parts.push(`新增调休上班 ${change.addedWork.join('、')}`);
  if (change.removedWork.length) parts.push(`取消调休上班 ${change.removedWork.join('、')}`);
  return parts.join('；') || '只修改了依据';
}

const ORIGIN_TEXT = { stored: '已录入', shipped: '使用内置安排', none: '未录入：只按周末计算' } as const;

/** From November the next year is the one to enter (the notice comes out then); before, this year. */
function defaultYear(): { now: number; year: number } {
  const beijing = new Date(Date.now() + 8 * 3600 * 1000);
  const now = beijing.getUTCFullYear();
  return { now, year: beijing.getUTCMonth() >= 10 ? now + 1 : now };
}

Component({
  behaviors: [refreshPage],
  data: {
    loading: true,
    error: '',
    years: [] as number[],
    yearIndex: 0,
    year: 0,
    view: null as HolidayCalendarView | null,
    originText: '',
    updatedText: '',
    off: [] as string[],
    work: [] as string[],
    offChips: [] as DayChip[],
    workChips: [] as DayChip[],
    source: '',
    rangeStart: '',
    rangeEnd: '',
    changes: [] as ChangeRow[],
    formError: '',
    saving: false,
  },
  methods: {
    /** `year` (optional, e.g. from a link): the year to show first. */
    onLoad(query: Record<string, string | undefined> = {}) {
      const { now, year: fallback } = defaultYear();
      const asked = Number(query.year);
      const year = Number.isInteger(asked) && asked >= 2024 && asked <= 2100 ? asked : fallback;
      const years = [...new Set([now - 1, now, now + 1, now + 2, year])].sort((a, b) => a - b);
      this.setData({ years, yearIndex: years.indexOf(year), year });
      void this.load();
    },
    async load() {
      this.setData({ loading: this.data.view === null, error: '' });
      const reply = await call('record.holidayCalendar', { year: this.data.year }, { toast: false });
      if (!reply.ok) return this.setData({ loading: false, error: reply.error.message });
      this.show(reply.data);
      this.setData({ loading: false });
    },
    show(view: HolidayCalendarView) {
      const applied = view.applied;
      this.setData({
        view,
        originText: ORIGIN_TEXT[view.origin],
        updatedText: view.updatedAt ? `${view.updatedByName ?? ''} ${formatTime(view.updatedAt)}` : '',
        source: applied?.source ?? '',
        changes: view.changes.map((change) => ({ ...change, changedText: formatTime(change.changedAt), summary: summaryOf(change) })),
        rangeStart: '',
        rangeEnd: '',
        formError: '',
      });
      this.setDays(applied?.off ?? [], applied?.work ?? []);
    },
    setDays(off: string[], work: string[]) {
      const sortedOff = sortedUnique(off);
      const sortedWork = sortedUnique(work);
      this.setData({ off: sortedOff, work: sortedWork, offChips: chips(sortedOff), workChips: chips(sortedWork), formError: '' });
    },
    onYear(event: WechatMiniprogram.PickerChange) {
      const yearIndex = Number(event.detail.value);
      const year = this.data.years[yearIndex];
      if (year === undefined || year === this.data.year) return;
      this.setData({ yearIndex, year, view: null });
      void this.load();
    },
    onRangeStart(event: WechatMiniprogram.PickerChange) {
      const start = String(event.detail.value);
      this.setData({ rangeStart: start, rangeEnd: this.data.rangeEnd && this.data.rangeEnd >= start ? this.data.rangeEnd : start, formError: '' });
    },
    onRangeEnd(event: WechatMiniprogram.PickerChange) {
      this.setData({ rangeEnd: String(event.detail.value), formError: '' });
    },
    onAddOff() {
      const { rangeStart, rangeEnd } = this.data;
      if (!rangeStart) return this.setData({ formError: '请先选择放假的第一天' });
      const end = rangeEnd || rangeStart;
      if (end < rangeStart) return this.setData({ formError: '最后一天不能早于第一天' });
      this.setDays([...this.data.off, ...daysFrom(rangeStart, end)], this.data.work.filter((day) => day < rangeStart || day > end));
      this.setData({ rangeStart: '', rangeEnd: '' });
    },
    onAddWork(event: WechatMiniprogram.PickerChange) {
      const day = String(event.detail.value);
      this.setDays(
        this.data.off.filter((off) => off !== day),
        [...this.data.work, day],
      );
    },
    onRemoveOff(event: WechatMiniprogram.BaseEvent) {
      const day = String(event.currentTarget.dataset.day);
      this.setDays(this.data.off.filter((off) => off !== day), this.data.work);
    },
    onRemoveWork(event: WechatMiniprogram.BaseEvent) {
      const day = String(event.currentTarget.dataset.day);
      this.setDays(this.data.off, this.data.work.filter((work) => work !== day));
    },
    onSource(event: Vant.FieldChange) {
      this.setData({ source: event.detail, formError: '' });
    },
    async onSave() {
      if (this.data.saving) return;
      const source = this.data.source.trim();
      if (!source) return this.setData({ formError: '请填写依据，例如“国务院办公厅关于2027年部分节假日安排的通知”' });
      this.setData({ saving: true, formError: '' });
      const reply = await call(
        'record.setHolidayCalendar',
        { year: this.data.year, off: this.data.off, work: this.data.work, source },
        { loading: '正在保存', toast: false },
      );
      this.setData({ saving: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      wx.showToast({ title: `${this.data.year} 年安排已保存`, icon: 'success' });
      this.show(reply.data);
    },
  },
});
