/**
 * Photos in cloud storage: uploading one, and the address an <image> shows it from. On the real
 * cloud the fileID itself works as an image src; the local cloud serves files over HTTP.
 */
import { logCallFailure } from './log';
import { currentOpenid } from './session';
import { localCloudUrl, usesLocalCloud } from './target';

function uploadToLocalCloud(filePath: string, cloudPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: `${localCloudUrl()}/client/uploadFile`,
      filePath,
      name: 'file',
      formData: { cloudPath },
      header: { 'x-wx-openid': currentOpenid() },
      success: (response) => {
        const body = JSON.parse(response.data) as { fileID?: string; errMsg?: string };
        if (response.statusCode === 200 && body.fileID) resolve(body.fileID);
        else reject(new Error(body.errMsg ?? `HTTP ${response.statusCode}`));
      },
      fail: (error) => reject(new Error(error.errMsg)),
    });
  });
}

/** Uploads a local file (e.g. from wx.chooseMedia) to `cloudPath`; resolves with its fileID. */
export function uploadFile(filePath: string, cloudPath: string): Promise<string> {
  const upload = usesLocalCloud()
    ? uploadToLocalCloud(filePath, cloudPath)
    : wx.cloud.uploadFile({ cloudPath, filePath }).then((result) => result.fileID);
  return upload.catch((error: { errCode?: number; errMsg?: string; message?: string }) => {
    logCallFailure('error', { action: 'uploadFile' }, { errCode: error.errCode, errMsg: error.errMsg ?? error.message });
    throw error;
  });
}

export function imageUrl(fileID: string): string {
  return usesLocalCloud() ? `${localCloudUrl()}/client/file?fileID=${encodeURIComponent(fileID)}` : fileID;
}

/** A photo as vant's uploader lists it. */
export interface UploadedPhoto {
  url: string;
  fileID: string;
  isImage: true;
}

/**
 * Uploads the photos vant's uploader just read, one at a time, while fewer than `max` are held; each
 * goes to `folder/<stem>-<a name of its own>.<extension>` (never onto an earlier one's name, even
 * after one was deleted) and is added through `set`. Tells the person if one failed.
 */
export async function uploadChosenPhotos(
  event: Vant.UploaderAfterRead,
  target: { folder: string; stem: string; max: number; held: () => readonly UploadedPhoto[]; set: (photos: UploadedPhoto[]) => void },
): Promise<void> {
  const files = Array.isArray(event.detail.file) ? event.detail.file : [event.detail.file];
  try {
    for (const file of files) {
      const path = file.tempFilePath ?? file.url ?? '';
      if (!path || target.held().length >= target.max) continue;
      const extension = /\.(\w{2,4})$/.exec(path)?.[1] ?? 'jpg';
      const fileID = await uploadFile(path, `${target.folder}/${target.stem}-${Date.now().toString(36)}${target.held().length + 1}.${extension}`);
      target.set([...target.held(), { url: imageUrl(fileID), fileID, isImage: true }]);
    }
  } catch {
    wx.showToast({ title: '照片上传失败，请重试', icon: 'none' });
  }
}
