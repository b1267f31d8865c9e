/**
 * WeChat's content check over everything a request publishes. The contract marks every free-text
 * field (see withPublishedTexts), so the router checks them all before any use case runs: a name, a
 * title, a note or a reason that someone else will read cannot skip it.
 */
import type { PublishedText, TextScene } from './contract/fields';
import { DomainError } from './errors';
import type { ContentSafety } from './ports';

/** msgSecCheck takes at most 2500 characters of text per call. */
export const CHECK_MAX_CHARS = 2500;

/** The texts of one scene joined into as few calls as fit. */
function batches(texts: readonly PublishedText[]): PublishedText[][] {
  const result: PublishedText[][] = [];
  let current: PublishedText[] = [];
  let size = 0;
  for (const text of texts) {
    const length = [...text.text].length + 1;
    if (current.length > 0 && size + length > CHECK_MAX_CHARS) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push(text);
    size += length;
  }
  if (current.length > 0) result.push(current);
  return result;
}

const refusal = (label: string) => new DomainError('CONTENT_RISKY', `${label}含有不适宜发布的内容，请修改后再提交`);

/**
 * Refuses with CONTENT_RISKY, naming the field, when any text is risky. One call per scene in the
 * usual case; only when a batch is risky are its texts checked one by one to say which field it was.
 * `review` (a person should look) is let through: the check is a safeguard, not a moderation queue.
 */
export async function checkPublishedTexts(content: ContentSafety, openid: string, texts: readonly PublishedText[]): Promise<void> {
  const scenes = new Map<TextScene, PublishedText[]>();
  for (const text of texts) scenes.set(text.scene, [...(scenes.get(text.scene) ?? []), text]);
  for (const [scene, ofScene] of scenes) {
    for (const batch of batches(ofScene)) {
      const joined = batch.map((text) => text.text).join('\n');
      if ((await content.check(joined, openid, scene)) !== 'risky') continue;
      if (batch.length === 1) throw refusal(batch[0]!.label);
      for (const text of batch) {
        if ((await content.check(text.text, openid, scene)) === 'risky') throw refusal(text.label);
      }
      // Risky only together (a word split across two fields): name no field.
      throw new DomainError('CONTENT_RISKY');
    }
  }
}
