/**
 * The picture each service shows on the resident's home page, so that elders find 助餐 or 理发 by
 * sight. Pictures ship inside the mini-program (miniprogram/assets/services/<picture>.svg, drawn
 * from the Lucide icon set), so they show without network. A service's picture follows from its
 * skills, then from words in its name or category; anything else gets `other`.
 */
export const SERVICE_PICTURES = ['meal', 'medical', 'haircut', 'repair', 'errand', 'companion', 'cleaning', 'bath', 'shopping', 'medicine', 'other'] as const;
export type ServicePicture = (typeof SERVICE_PICTURES)[number];

/** Words (in skills first, then the name and category) that choose a picture, in order of priority. */
const WORDS: ReadonlyArray<readonly [ServicePicture, readonly string[]]> = [
  ['meal', ['送餐', '助餐', '餐', '饭']],
  ['medical', ['陪诊', '就医', '医', '体检', '康复']],
  ['medicine', ['药']],
  ['haircut', ['理发', '剪发', '美发']],
  ['repair', ['维修', '修', '安装']],
  ['bath', ['助浴', '洗浴', '洗澡']],
  ['cleaning', ['保洁', '清洁', '打扫', '家政']],
  ['shopping', ['代购', '购物', '买菜']],
  ['errand', ['跑腿', '代办', '取送']],
  ['companion', ['陪伴', '聊天', '探访', '关爱', '陪']],
];

const pictureIn = (text: string): ServicePicture | undefined => WORDS.find(([, words]) => words.some((word) => text.includes(word)))?.[0];

export function servicePicture(service: { name: string; category: string; skills: readonly string[] }): ServicePicture {
  for (const skill of service.skills) {
    const picture = pictureIn(skill);
    if (picture) return picture;
  }
  return pictureIn(service.name) ?? pictureIn(service.category) ?? 'other';
}
