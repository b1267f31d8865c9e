/**
 * 服务证明: I ask for a certificate of my service in a period (free, issued at once), see the ones
 * I have, and view one as a picture drawn on a canvas that I can save to my photo album. A
 * certificate is a snapshot: when a record it counts is corrected later it says 已失效 and a new
 * one is asked for. Drawing is in utils/certificate-image (pure, tested without a canvas).
 */
import type { CertificateView } from '../../../core/contract';
import { listPage, rows } from '../../behaviors/list-page';
import { call, newRequestId } from '../../api/api';
import { type CertificateCanvas, certificateHeight, drawCertificate } from '../../utils/certificate-image';
import { qrModules } from '../../utils/qr';
import { formatTime, largeText } from '../../utils/format';
import { beijingToday } from '../../utils/records';

type Row = CertificateView & { issuedText: string };

const PAGE_SIZE = 20;

const toRow = (view: CertificateView): Row => ({ ...view, issuedText: formatTime(view.issuedAt).slice(0, 10) });

/** Width of the picture in CSS pixels: the screen less the margins, within reason. */
function pictureWidth(): { width: number; pixelRatio: number } {
  try {
    const info = typeof wx.getWindowInfo === 'function' ? wx.getWindowInfo() : wx.getSystemInfoSync();
    return { width: Math.min(480, Math.max(280, info.windowWidth - 32)), pixelRatio: info.pixelRatio || 2 };
  } catch {
    return { width: 340, pixelRatio: 2 };
  }
}

/** The drawn canvas of each page instance, for saving (not view data: it is a native node). */
const canvases = new WeakMap<object, WechatMiniprogram.Canvas>();

/** 用户拒绝了相册权限 (the errMsg differs between iOS, Android and versions). */
const isPermissionRefusal = (errMsg: string): boolean => /auth|deny|denied|authorize|permission/i.test(errMsg);

Component({
  behaviors: [listPage<Row>()],
  data: {
    largeText: false,
    // request form
    from: '',
    to: '',
    today: beijingToday(),
    requestId: '',
    submitting: false,
    formError: '',
    // the one being viewed
    viewing: null as Row | null,
    canvasWidth: 0,
    canvasHeight: 0,
    drawn: false,
    drawError: '',
    saving: false,
  },
  methods: {
    onLoad() {
      const today = beijingToday();
      // This year so far: what a volunteer asks for most (school, employer, annual review).
      this.setData({ largeText: largeText(), from: `${today.slice(0, 4)}-01-01`, to: today, today });
      void this.load();
    },
    /** Mine, newest first. */
    async fetchList(cursor?: string) {
      return rows(await call('certificate.mine', { limit: PAGE_SIZE, cursor }, { toast: false }), toRow);
    },
    onFrom(event: WechatMiniprogram.PickerChange) {
      // Another period is another request.
      this.setData({ from: String(event.detail.value), formError: '', requestId: '' });
    },
    onTo(event: WechatMiniprogram.PickerChange) {
      this.setData({ to: String(event.detail.value), formError: '', requestId: '' });
    },
    async onRequest() {
      if (this.data.submitting) return;
      const { from, to } = this.data;
      if (!from || !to) return this.setData({ formError: '请选择开始和结束日期' });
      if (from > to) return this.setData({ formError: '开始日期不能晚于结束日期' });
      // Kept until it succeeds: a retry after a lost reply returns the certificate already issued.
      const requestId = this.data.requestId || newRequestId();
      this.setData({ submitting: true, formError: '', requestId });
      const reply = await call('certificate.request', { from, to, clientRequestId: requestId }, { loading: '正在出具', toast: false });
      this.setData({ submitting: false });
      if (!reply.ok) return this.setData({ formError: reply.error.message });
      const row = toRow(reply.data);
      this.setData({ requestId: '', items: [row, ...this.data.items.filter((item) => item.code !== row.code)] });
      this.show(row);
    },
    onView(event: WechatMiniprogram.BaseEvent) {
      const row = this.data.items.find((item) => item.code === event.currentTarget.dataset.code);
      if (row) this.show(row);
    },
    show(row: Row) {
      const { width } = pictureWidth();
      this.setData({ viewing: row, canvasWidth: width, canvasHeight: Math.round(width * 1.4), drawn: false, drawError: '' }, () => this.draw());
    },
    onClose() {
      this.setData({ viewing: null, drawn: false, drawError: '' });
    },
    /** Finds the canvas node and draws the certificate on it, sized to what it needs. */
    draw() {
      const view = this.data.viewing;
      if (!view) return;
      wx.createSelectorQuery()
        .in(this)
        .select('#certificate-canvas')
        .fields({ node: true, size: true })
        .exec((result: Array<{ node?: WechatMiniprogram.Canvas } | null>) => {
          const canvas = result?.[0]?.node;
          if (!canvas) {
            this.setData({ drawError: '此设备暂时无法生成图片，请更新微信后重试' });
            return;
          }
          const ctx = canvas.getContext('2d') as CertificateCanvas & { scale(x: number, y: number): void };
          const { width, pixelRatio } = pictureWidth();
          // The QR code carries the verification code as printed, for 证明核验's scan.
          const layout = { width, qr: qrModules(view.printedCode) };
          const height = certificateHeight(ctx, view, layout);
          // Setting the size clears the canvas and its state: size first, then scale, then draw.
          canvas.width = width * pixelRatio;
          canvas.height = height * pixelRatio;
          ctx.scale(pixelRatio, pixelRatio);
          drawCertificate(ctx, view, layout);
          canvases.set(this, canvas);
          this.setData({ canvasWidth: width, canvasHeight: height, drawn: true });
        });
    },
    onSave() {
      const canvas = canvases.get(this);
      if (!canvas || this.data.saving) return;
      this.setData({ saving: true });
      wx.canvasToTempFilePath({
        canvas,
        fileType: 'png',
        success: ({ tempFilePath }) => {
          wx.saveImageToPhotosAlbum({
            filePath: tempFilePath,
            success: () => {
              this.setData({ saving: false });
              wx.showToast({ title: '已保存到相册', icon: 'success' });
            },
            fail: ({ errMsg }) => {
              this.setData({ saving: false });
              if (/cancel/i.test(errMsg)) return;
              if (isPermissionRefusal(errMsg)) {
                wx.showModal({
                  title: '无法保存到相册',
                  content: '您没有允许“邻里”保存图片到相册。请在设置中打开“添加到相册”后再保存。',
                  confirmText: '去设置',
                  cancelText: '以后再说',
                  success: (choice) => {
                    if (choice.confirm) wx.openSetting({});
                  },
                });
                return;
              }
              wx.showToast({ title: '保存失败，请重试', icon: 'none' });
            },
          });
        },
        fail: () => {
          this.setData({ saving: false });
          wx.showToast({ title: '生成图片失败，请重试', icon: 'none' });
        },
      });
    },
  },
});
