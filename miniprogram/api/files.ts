/**
 * Photos in cloud storage: uploading one, and the address an <image> shows it from. On the real
 * cloud the fileID itself works as an image src; the local cloud serves files over HTTP.
 */
import { config } from '../config';
import { currentOpenid } from './session';
import { localCloudUrl } from './transport';

/** Uploads a local file (e.g. from wx.chooseMedia) to `cloudPath`; resolves with its fileID. */
export function uploadFile(filePath: string, cloudPath: string): Promise<string> {
  if (config.mode === 'cloud') return wx.cloud.uploadFile({ cloudPath, filePath }).then((result) => result.fileID);
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

export function imageUrl(fileID: string): string {
  return config.mode === 'cloud' ? fileID : `${localCloudUrl()}/client/file?fileID=${encodeURIComponent(fileID)}`;
}
