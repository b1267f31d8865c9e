/**
 * The code of WeChat's phone-number button (`<van-button open-type="getPhoneNumber">`, 手机号快速验证):
 * the person picks one of the numbers WeChat has verified for them, and the page hands the code to
 * an action (user.register, user.bindPhone) that exchanges it in the cloud. Nobody types a number.
 *
 * With the local cloud, WeChat's code would mean nothing to it: the developer types the number the
 * button would have given, and the local cloud mints the code (/client/phoneCode) for the current
 * identity, as the button would on a phone.
 */
import { localCloudUrl, usesLocalCloud } from './target';
import { postToLocalCloud } from './transport';

/** What the button's `getphonenumber` event carries (vant passes WeChat's detail on). */
export interface PhoneNumberDetail {
  code?: string;
  errMsg?: string;
}

function askLocalNumber(): Promise<string | null> {
  return new Promise((resolve) => {
    wx.showModal({
      title: '本地云：模拟微信手机号',
      content: '',
      editable: true,
      placeholderText: '输入 11 位手机号',
      success: (result) => resolve(result.confirm && result.content ? result.content.trim() : null),
      fail: () => resolve(null),
    });
  });
}

async function mintLocalCode(phoneNumber: string): Promise<string | null> {
  const reply = (await postToLocalCloud(localCloudUrl(), 'phoneCode', { phoneNumber })) as { code?: unknown } | null;
  return typeof reply?.code === 'string' ? reply.code : null;
}

/** The code to send, or null when the person closed the sheet (nothing to say then) or it failed. */
export async function phoneCodeOf(detail: PhoneNumberDetail | undefined): Promise<string | null> {
  if (usesLocalCloud()) {
    const phoneNumber = await askLocalNumber();
    return phoneNumber ? mintLocalCode(phoneNumber) : null;
  }
  if (detail?.code) return detail.code;
  // "getPhoneNumber:fail user deny" is the person's choice; anything else they should hear about.
  if (detail?.errMsg && !/deny|cancel/.test(detail.errMsg)) wx.showToast({ title: '暂时无法获取手机号，请稍后再试', icon: 'none' });
  return null;
}
