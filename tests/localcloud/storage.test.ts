// @vitest-environment node
/**
 * Drives the real wx-server-sdk 4.0.2 storage APIs against a minimal stand-in server that routes
 * /admin storage actions and the upload/download URLs to localcloud/src/storage.ts.
 */
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStorage, STORAGE_PATH_PREFIX, validateCloudPath } from '../../localcloud/src/storage';

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

const ENV = 'test-env';
let origin = '';
let server: Server;
let cloud: WxCloud;
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-storage-'));
const diskDir = path.join(tmpRoot, 'files');
const storages = {
  memory: new FileStorage({ dir: null, envName: ENV, baseUrl: () => origin }),
  disk: new FileStorage({ dir: diskDir, envName: ENV, baseUrl: () => origin }),
};
// Which storage the stand-in server currently routes to.
let active: FileStorage = storages.memory;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      // Storage URLs first: handleHttp reads the request body itself.
      if (await active.handleHttp(req, res)) return;
      const body = JSON.parse((await readBody(req)).toString('utf8')) as Json;
      const reply = await active.handleAction(String(body.action), body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    TENCENTCLOUD_SECRETID: 'dummy-id',
    TENCENTCLOUD_SECRETKEY: 'dummy-key',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TCB_ENV: ENV,
    SCF_NAMESPACE: ENV,
    SILENCE: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${origin}/admin` }),
  });
  cloud = createRequire(import.meta.url)('wx-server-sdk') as WxCloud;
  cloud.init({ env: ENV });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

describe.each(['memory', 'disk'] as const)('FileStorage (%s) through wx-server-sdk', (kind) => {
  const storage = storages[kind];
  const use = (): void => {
    active = storage;
    storage.reset();
  };

  it('uploads, serves a temp URL with the same bytes, deletes, then reports the file missing', async () => {
    use();
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
    use();
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
    use();
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
    use();
    const { fileID } = await cloud.uploadFile({ cloudPath: 'a.txt', fileContent: Buffer.from('a') });
    const res = await cloud.getTempFileURL({ fileList: [fileID, 'cloud://other-env.bucket/a.txt', `cloud://${ENV}.${storage.bucket}/../a.txt`] });
    expect(res.fileList.map((f) => f.status)).toEqual([0, -503003, -503003]);
    expect(storage.list()).toHaveLength(1);
  });
});

describe('FileStorage HTTP endpoints', () => {
  it('rejects a PUT without a valid one-time upload token', async () => {
    active = storages.memory;
    storages.memory.reset();
    const res = await fetch(`${origin}${STORAGE_PATH_PREFIX}upload/not-a-token`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    expect(storages.memory.list()).toEqual([]);
  });

  it('accepts an upload URL only once', async () => {
    active = storages.memory;
    storages.memory.reset();
    const meta = await storages.memory.handleAction('storage.getUploadMetadata', { path: 'once.txt', method: 'put' });
    const url = String((meta.data as Json).url);
    expect((await fetch(url, { method: 'PUT', body: 'first' })).status).toBe(200);
    expect((await fetch(url, { method: 'PUT', body: 'second' })).status).toBe(403);
    expect((await storages.memory.read('once.txt'))?.toString()).toBe('first');
  });

  it('answers HEAD with the size and leaves other paths to the caller', async () => {
    active = storages.memory;
    storages.memory.reset();
    const { fileID } = await cloud.uploadFile({ cloudPath: 'docs/readme.txt', fileContent: Buffer.from('hello') });
    const [entry] = (await cloud.getTempFileURL({ fileList: [fileID] })).fileList;
    const head = await fetch(entry?.tempFileURL ?? '', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5');
    const handled = await storages.memory.handleHttp({ url: '/admin?env=x', method: 'POST' } as IncomingMessage, {} as never);
    expect(handled).toBe(false);
  });

  it('returns whole-request errors as {code, message}', async () => {
    const bad = await storages.memory.handleAction('storage.batchGetDownloadUrl', { file_list: 'nope' });
    expect(bad).toMatchObject({ code: 'INVALID_PARAM' });
    const tooMany = await storages.memory.handleAction('storage.batchDeleteFile', { fileid_list: Array.from({ length: 51 }, (_, i) => `f${i}`) });
    expect(tooMany).toMatchObject({ code: 'INVALID_PARAM' });
    expect(await storages.memory.handleAction('storage.copyFile', {})).toMatchObject({ code: 'INVALID_PARAM' });
  });

  it('reset() empties the disk store', async () => {
    active = storages.disk;
    storages.disk.reset();
    await cloud.uploadFile({ cloudPath: 'x/y.txt', fileContent: Buffer.from('y') });
    expect(storages.disk.list()).toHaveLength(1);
    storages.disk.reset();
    expect(storages.disk.list()).toEqual([]);
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
