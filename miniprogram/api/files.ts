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
