// @vitest-environment node
/**
 * Drives the real wx-server-sdk 4.0.2 storage APIs against the local cloud, once with files in
 * memory and once on disk.
 */
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../localcloud/src/server';
import { type FileStorage, STORAGE_PATH_PREFIX, validateCloudPath } from '../../localcloud/src/storage';
import { connectSdk, startTestCloud } from '../helpers/localcloud';

type Json = Record<string, unknown>;
interface FileResult {
  fileID: string;
  status: number;
  errMsg: string;
  tempFileURL?: string;
  maxAge?: number;
}
interface WxCloud {
  init(opts: { env: string }): void;
  uploadFile(p: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID: string; errMsg: string }>;
  getTempFileURL(p: { fileList: Array<string | { fileID: string; maxAge: number }> }): Promise<{ fileList: FileResult[] }>;
  deleteFile(p: { fileList: string[] }): Promise<{ fileList: FileResult[] }>;
  downloadFile(p: { fileID: string }): Promise<{ fileContent: Buffer }>;
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-storage-'));
// The disk-backed cloud keeps its files under <dataDir>/storage.
const diskDir = path.join(tmpRoot, 'storage');
const clouds = {} as Record<'memory' | 'disk', LocalCloud>;
let cloud: WxCloud;
let ENV = '';

beforeAll(async () => {
  clouds.memory = await startTestCloud({ dataDir: null });
  clouds.disk = await startTestCloud({ dataDir: tmpRoot });
  ENV = clouds.memory.envName;
});

afterAll(async () => {
  await Promise.all(Object.values(clouds).map((c) => c.close()));
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

/** Points the SDK at one of the clouds and empties its storage. */
function use(kind: 'memory' | 'disk'): FileStorage {
  cloud = connectSdk(clouds[kind]) as WxCloud;
  clouds[kind].storage.reset();
  return clouds[kind].storage;
}

describe.each(['memory', 'disk'] as const)('FileStorage (%s) through wx-server-sdk', (kind) => {
  let storage: FileStorage;

  it('uploads, serves a temp URL with the same bytes, deletes, then reports the file missing', async () => {
    storage = use(kind);
    const bytes = Buffer.from([0, 1, 2, 250, 255, ...Buffer.from('邻里 photo')]);
    const up = await cloud.uploadFile({ cloudPath: 'avatars/u1.png', fileContent: bytes });
    const fileID = `cloud://${ENV}.${storage.bucket}/avatars/u1.png`;
    expect(up).toMatchObject({ fileID, errMsg: 'uploadFile:ok' });
    expect(storage.list()).toEqual([{ fileID, size: bytes.length }]);
    if (kind === 'disk') expect(fs.readFileSync(path.join(diskDir, 'avatars/u1.png'))).toEqual(bytes);

    const urls = await cloud.getTempFileURL({ fileList: [{ fileID, maxAge: 120 }] });
    expect(urls.fileList).toHaveLength(1);
    const [entry] = urls.fileList;
    expect(entry).toMatchObject({ fileID, status: 0, errMsg: 'ok', maxAge: 120 });
    const res = await fetch(entry?.tempFileURL ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    // downloadFile goes through getTempFileURL + GET encodeURI(url) inside node-sdk.
    expect((await cloud.downloadFile({ fileID })).fileContent).toEqual(bytes);

    const del = await cloud.deleteFile({ fileList: [fileID] });
    expect(del.fileList).toEqual([{ fileID, status: 0, errMsg: 'ok' }]);
    expect(storage.list()).toEqual([]);
    if (kind === 'disk') expect(fs.existsSync(path.join(diskDir, 'avatars'))).toBe(false);

    const after = await cloud.getTempFileURL({ fileList: [fileID] });
    expect(after.fileList).toEqual([{ fileID, status: -503003, errMsg: 'storage file not exists', maxAge: undefined, tempFileURL: '' }]);
    const again = await cloud.deleteFile({ fileList: [fileID] });
    expect(again.fileList[0]).toMatchObject({ fileID, status: -503003 });
    expect((await fetch(entry?.tempFileURL ?? '')).status).toBe(404);
  });

  it('handles non-ASCII paths and overwrites on re-upload', async () => {
    storage = use(kind);
    const cloudPath = '报修/2024 05/照片#1.jpg';
    await cloud.uploadFile({ cloudPath, fileContent: Buffer.from('v1') });
    const { fileID } = await cloud.uploadFile({ cloudPath, fileContent: Buffer.from('version 2') });
    expect(storage.list()).toEqual([{ fileID, size: 9 }]);
    const [entry] = (await cloud.getTempFileURL({ fileList: [fileID] })).fileList;
    expect(entry?.status).toBe(0);
    expect(await (await fetch(entry?.tempFileURL ?? '')).text()).toBe('version 2');
    expect((await cloud.downloadFile({ fileID })).fileContent.toString()).toBe('version 2');
  });

  it('refuses cloud paths that would escape the storage dir', async () => {
    storage = use(kind);
    // node-sdk throws a TcbError for a whole-request error; wx-server-sdk passes it on with errCode -1.
    await expect(cloud.uploadFile({ cloudPath: '../escape.txt', fileContent: Buffer.from('x') })).rejects.toMatchObject({
      code: 'INVALID_PARAM',
      errMsg: expect.stringContaining('invalid cloudPath'),
    });
    await expect(cloud.uploadFile({ cloudPath: '/abs.txt', fileContent: Buffer.from('x') })).rejects.toMatchObject({ code: 'INVALID_PARAM' });
    expect(storage.list()).toEqual([]);
    expect(fs.existsSync(path.join(tmpRoot, 'escape.txt'))).toBe(false);
  });

  it('reports foreign or malformed fileIDs as missing instead of failing the batch', async () => {
    storage = use(kind);
    const { fileID } = await cloud.uploadFile({ cloudPath: 'a.txt', fileContent: Buffer.from('a') });
    const res = await cloud.getTempFileURL({ fileList: [fileID, 'cloud://other-env.bucket/a.txt', `cloud://${ENV}.${storage.bucket}/../a.txt`] });
    expect(res.fileList.map((f) => f.status)).toEqual([0, -503003, -503003]);
    expect(storage.list()).toHaveLength(1);
  });
});

describe('FileStorage HTTP endpoints', () => {
  it('rejects a PUT without a valid one-time upload token', async () => {
    const memory = use('memory');
    const res = await fetch(`${clouds.memory.url}${STORAGE_PATH_PREFIX}upload/not-a-token`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    expect(memory.list()).toEqual([]);
  });

  it('accepts an upload URL only once', async () => {
    const memory = use('memory');
    const meta = await memory.handleAction('storage.getUploadMetadata', { path: 'once.txt', method: 'put' });
    const url = String((meta.data as Json).url);
    expect((await fetch(url, { method: 'PUT', body: 'first' })).status).toBe(200);
    expect((await fetch(url, { method: 'PUT', body: 'second' })).status).toBe(403);
    expect((await memory.read('once.txt'))?.toString()).toBe('first');
  });

  it('answers HEAD with the size and leaves other paths to the caller', async () => {
    const memory = use('memory');
    const { fileID } = await cloud.uploadFile({ cloudPath: 'docs/readme.txt', fileContent: Buffer.from('hello') });
    const [entry] = (await cloud.getTempFileURL({ fileList: [fileID] })).fileList;
    const head = await fetch(entry?.tempFileURL ?? '', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5');
    const handled = await memory.handleHttp({ url: '/admin?env=x', method: 'POST' } as IncomingMessage, {} as never);
    expect(handled).toBe(false);
  });

  it('returns whole-request errors as {code, message}', async () => {
    const memory = use('memory');
    const bad = await memory.handleAction('storage.batchGetDownloadUrl', { file_list: 'nope' });
    expect(bad).toMatchObject({ code: 'INVALID_PARAM' });
    const tooMany = await memory.handleAction('storage.batchDeleteFile', { fileid_list: Array.from({ length: 51 }, (_, i) => `f${i}`) });
    expect(tooMany).toMatchObject({ code: 'INVALID_PARAM' });
    expect(await memory.handleAction('storage.copyFile', {})).toMatchObject({ code: 'INVALID_PARAM' });
  });

  it('reset() empties the disk store', async () => {
    const disk = use('disk');
    await cloud.uploadFile({ cloudPath: 'x/y.txt', fileContent: Buffer.from('y') });
    expect(disk.list()).toHaveLength(1);
    disk.reset();
    expect(disk.list()).toEqual([]);
    expect(fs.readdirSync(diskDir)).toEqual([]);
  });
});

describe('validateCloudPath', () => {
  it.each([
    ['a/b.png', null],
    ['', 'empty'],
    ['../x', 'segments'],
    ['a/./b', 'segments'],
    ['a//b', 'segments'],
    ['/a', 'start'],
    ['a/', 'folder'],
    ['a\\b', 'backslash'],
    ['.linli-tmp/x', 'reserved'],
  ])('%j -> %s', (input, expected) => {
    const problem = validateCloudPath(input);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});
