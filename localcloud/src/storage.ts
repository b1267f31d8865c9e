/**
 * Cloud storage emulation for wx-server-sdk 4.0.2 / @cloudbase/node-sdk 3.17.2.
 *
 * Wire protocol (verified by capturing the real SDK):
 * - uploadFile = two requests.
 *   1. /admin JSON `{action:'storage.getUploadMetadata', path:<cloudPath>, method:'put'}` ->
 *      reply `{requestId, data:{url, token, authorization, fileId, cosFileId}}` (all strings: they
 *      become HTTP header values).
 *   2. `PUT <url>` with the raw bytes (chunked) and headers Signature/authorization =
 *      data.authorization, x-cos-security-token = data.token, x-cos-meta-fileid = data.cosFileId,
 *      key = encodeURIComponent(cloudPath). Success = 200 with an EMPTY body; failure = a COS XML
 *      `<Error><Code/><Message/><RequestId/><TraceId/></Error>` (all four elements required).
 *      The SDK resolves `{fileID: data.fileId, statusCode: -1}`.
 * - getTempFileURL: `{action:'storage.batchGetDownloadUrl', file_list:[{fileid, max_age?, url_type?}]}`
 *   -> `{requestId, data:{download_list:[{fileID, tempFileURL, code:'SUCCESS', maxAge}]}}`.
 * - deleteFile: `{action:'storage.batchDeleteFile', fileid_list:[...]}`
 *   -> `{requestId, data:{delete_list:[{fileID, code:'SUCCESS'}]}}`.
 * - Per-file `code` goes through the SDK's TCB_ERR_CODE table: 'SUCCESS' -> status 0,
 *   'STORAGE_FILE_NONEXIST' -> status -503003 'storage file not exists'.
 *   A whole-request failure is `{code, message, requestId}` and makes the SDK reject.
 * - downloadFile fetches `encodeURI(tempFileURL)` with GET, so temp URLs must survive encodeURI.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';

export const STORAGE_PATH_PREFIX = '/__linli/storage/';
const UPLOAD_PREFIX = `${STORAGE_PATH_PREFIX}upload/`;
const DOWNLOAD_PREFIX = `${STORAGE_PATH_PREFIX}download`;
/** Scratch area inside `dir` for atomic writes; reserved, so no cloudPath may start with it. */
const TMP_DIR = '.linli-tmp';
const UPLOAD_TTL_MS = 10 * 60 * 1000;
/** Documented limit of getTempFileURL / deleteFile: at most 50 files per call. */
const MAX_BATCH = 50;
const DEFAULT_MAX_AGE = 7200;
const MAX_CLOUD_PATH_BYTES = 1024;
// Paths made of these characters are left readable in temp URLs; everything else uses ?key=.
const URL_SAFE_PATH = /^[A-Za-z0-9._~\-/]+$/;

export interface FileStorageOptions {
  /** Root folder for files; null keeps everything in memory. */
  dir: string | null;
  envName: string;
  /** Public origin of the emulator, e.g. http://127.0.0.1:3000 (read on every call). */
  baseUrl: () => string;
  /** Largest accepted upload; default 100 MiB. */
  maxUploadBytes?: number;
}

type Reply = Record<string, unknown>;

class StorageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

const requestId = (): string => randomBytes(8).toString('hex');

export class FileStorage {
  readonly envName: string;
  /** COS-style bucket name: hex of the env's first two chars, the env, a fixed appid. */
  readonly bucket: string;
  private readonly dir: string | null;
  private readonly baseUrl: () => string;
  private readonly maxUploadBytes: number;
  private readonly memory = new Map<string, Buffer>();
  private readonly pendingUploads = new Map<string, { cloudPath: string; expiresAt: number }>();

  constructor(opts: FileStorageOptions) {
    this.envName = opts.envName;
    this.bucket = `${Buffer.from(opts.envName.slice(0, 2)).toString('hex')}-${opts.envName}-1250000000`;
    this.dir = opts.dir === null ? null : path.resolve(opts.dir);
    this.baseUrl = opts.baseUrl;
    this.maxUploadBytes = opts.maxUploadBytes ?? 100 * 1024 * 1024;
  }

  /** `cloud://<env>.<bucket>/<cloudPath>` */
  fileIdFor(cloudPath: string): string {
    return `cloud://${this.envName}.${this.bucket}/${cloudPath}`;
  }

  /** The cloudPath of one of our fileIDs, or null when the id is malformed or belongs elsewhere. */
  cloudPathOf(fileID: string): string | null {
    const prefix = `cloud://${this.envName}.${this.bucket}/`;
    if (!fileID.startsWith(prefix)) return null;
    const cloudPath = fileID.slice(prefix.length);
    return validateCloudPath(cloudPath) === null ? cloudPath : null;
  }

  /** Reply JSON for /admin actions 'storage.getUploadMetadata' | 'storage.batchGetDownloadUrl' | 'storage.batchDeleteFile'. */
  async handleAction(action: string, body: Record<string, unknown>): Promise<Reply> {
    const rid = requestId();
    try {
      switch (action) {
        case 'storage.getUploadMetadata':
          return { requestId: rid, data: this.uploadMetadata(body) };
        case 'storage.batchGetDownloadUrl':
          return { requestId: rid, data: { download_list: await this.downloadList(body) } };
        case 'storage.batchDeleteFile':
          return { requestId: rid, data: { delete_list: await this.deleteList(body) } };
        default:
          return { code: 'INVALID_PARAM', message: `unsupported storage action ${action}`, requestId: rid };
      }
    } catch (e) {
      if (e instanceof StorageError) return { code: e.code, message: e.message, requestId: rid };
      throw e;
    }
  }

  private uploadMetadata(body: Record<string, unknown>): Reply {
    const cloudPath = body.path;
    if (typeof cloudPath !== 'string') throw new StorageError('INVALID_PARAM', 'path must be a string');
    const problem = validateCloudPath(cloudPath);
    if (problem) throw new StorageError('INVALID_PARAM', `invalid cloudPath ${JSON.stringify(cloudPath)}: ${problem}`);
    if (body.method !== undefined && body.method !== 'put') throw new StorageError('INVALID_PARAM', 'only PUT uploads are supported');
    this.dropExpiredUploads();
    // The one-time token in the URL is what authorizes the PUT, for exactly this cloudPath.
    const token = randomBytes(16).toString('hex');
    this.pendingUploads.set(token, { cloudPath, expiresAt: Date.now() + UPLOAD_TTL_MS });
    return {
      url: `${this.baseUrl()}${UPLOAD_PREFIX}${token}`,
      token,
      authorization: `linli-local ${token}`,
      fileId: this.fileIdFor(cloudPath),
      cosFileId: token,
    };
  }

  private async downloadList(body: Record<string, unknown>): Promise<Reply[]> {
    const list = body.file_list;
    if (!Array.isArray(list) || list.length === 0) throw new StorageError('INVALID_PARAM', 'file_list must be a non-empty array');
    if (list.length > MAX_BATCH) throw new StorageError('INVALID_PARAM', `at most ${MAX_BATCH} files per request`);
    return Promise.all(
      list.map(async (item: unknown): Promise<Reply> => {
        const rec = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
        const fileID = typeof rec.fileid === 'string' ? rec.fileid : String(rec.fileid ?? item);
        const maxAge = typeof rec.max_age === 'number' && rec.max_age > 0 ? rec.max_age : DEFAULT_MAX_AGE;
        const cloudPath = this.cloudPathOf(fileID);
        if (cloudPath === null || (await this.size(cloudPath)) === null) {
          return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exists' };
        }
        return { fileID, tempFileURL: this.downloadUrl(cloudPath), code: 'SUCCESS', maxAge };
      }),
    );
  }

  private async deleteList(body: Record<string, unknown>): Promise<Reply[]> {
    const list = body.fileid_list;
    if (!Array.isArray(list) || list.length === 0) throw new StorageError('INVALID_PARAM', 'fileid_list must be a non-empty array');
    if (list.length > MAX_BATCH) throw new StorageError('INVALID_PARAM', `at most ${MAX_BATCH} files per request`);
    const out: Reply[] = [];
    // Sequential, so deleting the same id twice in one batch reports the second as missing.
    for (const item of list) {
      const fileID = String(item);
      const cloudPath = this.cloudPathOf(fileID);
      const removed = cloudPath !== null && (await this.remove(cloudPath));
      out.push(removed ? { fileID, code: 'SUCCESS' } : { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'storage file not exists' });
    }
    return out;
  }

  /** Temp URL that survives the SDK's encodeURI(): readable path when safe, base64url key otherwise. */
  private downloadUrl(cloudPath: string): string {
    const base = `${this.baseUrl()}${DOWNLOAD_PREFIX}`;
    return URL_SAFE_PATH.test(cloudPath) ? `${base}/${cloudPath}` : `${base}?key=${Buffer.from(cloudPath, 'utf8').toString('base64url')}`;
  }

  /** Serves upload and download under the path prefix '/__linli/storage/'. Return false when the path is not one of yours. */
  async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    if (!pathname.startsWith(STORAGE_PATH_PREFIX)) return false;
    try {
      if (pathname.startsWith(UPLOAD_PREFIX)) {
        if (req.method !== 'PUT') throw new StorageError('MethodNotAllowed', 'uploads use PUT', 405);
        await this.handleUpload(pathname.slice(UPLOAD_PREFIX.length), req, res);
      } else if (pathname === DOWNLOAD_PREFIX || pathname.startsWith(`${DOWNLOAD_PREFIX}/`)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new StorageError('MethodNotAllowed', 'downloads use GET or HEAD', 405);
        await this.handleDownload(url, req.method === 'HEAD', res);
      } else {
        throw new StorageError('NotFound', 'unknown storage endpoint', 404);
      }
    } catch (e) {
      const err = e instanceof StorageError ? e : new StorageError('InternalError', (e as Error).message, 500);
      if (!res.headersSent) {
        res.writeHead(err.httpStatus, { 'content-type': 'application/xml' });
        res.end(cosErrorXml(err.code, err.message, pathname));
      } else {
        res.destroy();
      }
    }
    return true;
  }

  private async handleUpload(token: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.dropExpiredUploads();
    const pending = this.pendingUploads.get(token);
    if (!pending) {
      req.resume();
      throw new StorageError('AccessDenied', 'upload url is unknown or expired', 403);
    }
    this.pendingUploads.delete(token);
    const body = await readBody(req, this.maxUploadBytes);
    await this.write(pending.cloudPath, body);
    res.writeHead(200, { etag: `"${randomBytes(16).toString('hex')}"`, 'content-length': '0' });
    res.end();
  }

  private async handleDownload(url: URL, headOnly: boolean, res: ServerResponse): Promise<void> {
    const key = url.searchParams.get('key');
    let cloudPath: string;
    if (key !== null) {
      cloudPath = Buffer.from(key, 'base64url').toString('utf8');
    } else {
      try {
        cloudPath = decodeURIComponent(url.pathname.slice(DOWNLOAD_PREFIX.length + 1));
      } catch {
        throw new StorageError('InvalidURI', 'malformed path', 400);
      }
    }
    if (validateCloudPath(cloudPath) !== null) throw new StorageError('NoSuchKey', 'The specified key does not exist.', 404);
    const data = await this.read(cloudPath);
    if (data === null) throw new StorageError('NoSuchKey', 'The specified key does not exist.', 404);
    res.writeHead(200, { 'content-type': mimeType(cloudPath), 'content-length': String(data.length) });
    res.end(headOnly ? undefined : data);
  }

  /** All stored files, sorted by fileID. */
  list(): Array<{ fileID: string; size: number }> {
    const out: Array<{ fileID: string; size: number }> = [];
    if (this.dir === null) {
      for (const [cloudPath, data] of this.memory) out.push({ fileID: this.fileIdFor(cloudPath), size: data.length });
    } else if (fs.existsSync(this.dir)) {
      const walk = (abs: string, rel: string): void => {
        for (const ent of fs.readdirSync(abs, { withFileTypes: true })) {
          if (rel === '' && ent.name === TMP_DIR) continue;
          const childRel = rel === '' ? ent.name : `${rel}/${ent.name}`;
          const childAbs = path.join(abs, ent.name);
          // Symlinks are not followed: they could point outside the storage root.
          if (ent.isDirectory()) walk(childAbs, childRel);
          else if (ent.isFile()) out.push({ fileID: this.fileIdFor(childRel), size: fs.statSync(childAbs).size });
        }
      };
      walk(this.dir, '');
    }
    return out.sort((a, b) => (a.fileID < b.fileID ? -1 : a.fileID > b.fileID ? 1 : 0));
  }

  /** Delete every file and forget pending uploads. */
  reset(): void {
    this.memory.clear();
    this.pendingUploads.clear();
    if (this.dir !== null && fs.existsSync(this.dir)) {
      for (const name of fs.readdirSync(this.dir)) fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
    }
  }

  /** File contents by cloudPath, or null when missing. */
  /**
   * Stores a file a mini-program uploaded (wx.cloud.uploadFile's local stand-in); returns its
   * fileID, or throws with the reason when the cloudPath is not acceptable.
   */
  async save(cloudPath: string, data: Buffer): Promise<string> {
    const problem = validateCloudPath(cloudPath);
    if (problem !== null) throw new Error(`invalid cloudPath: ${problem}`);
    if (data.length > this.maxUploadBytes) throw new Error(`file too large: ${data.length} bytes`);
    await this.write(cloudPath, data);
    return this.fileIdFor(cloudPath);
  }

  async read(cloudPath: string): Promise<Buffer | null> {
    if (this.dir === null) return this.memory.get(cloudPath) ?? null;
    try {
      const st = await fsp.stat(this.abs(cloudPath));
      return st.isFile() ? await fsp.readFile(this.abs(cloudPath)) : null;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  private async size(cloudPath: string): Promise<number | null> {
    if (this.dir === null) return this.memory.get(cloudPath)?.length ?? null;
    try {
      const st = await fsp.stat(this.abs(cloudPath));
      return st.isFile() ? st.size : null;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  private async write(cloudPath: string, data: Buffer): Promise<void> {
    if (this.dir === null) {
      this.memory.set(cloudPath, data);
      return;
    }
    const target = this.abs(cloudPath);
    const tmpDir = path.join(this.dir, TMP_DIR);
    await fsp.mkdir(tmpDir, { recursive: true });
    // Write then rename, so a reader never sees a half-written file.
    const tmp = path.join(tmpDir, randomBytes(8).toString('hex'));
    await fsp.writeFile(tmp, data);
    try {
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(tmp, target);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      // E.g. "a/b" exists as a file and "a/b/c" is uploaded: COS would allow it, a file system cannot.
      throw new StorageError('InvalidArgument', `cannot store ${cloudPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 409);
    }
  }

  private async remove(cloudPath: string): Promise<boolean> {
    if (this.dir === null) return this.memory.delete(cloudPath);
    const target = this.abs(cloudPath);
    try {
      const st = await fsp.lstat(target);
      if (!st.isFile()) return false;
      await fsp.unlink(target);
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
    await this.pruneEmptyDirs(path.dirname(target));
    return true;
  }

  /** COS has no folders; drop directories left empty by a delete so list() and the disk agree. */
  private async pruneEmptyDirs(start: string): Promise<void> {
    const root = this.dir;
    if (root === null) return;
    let current = start;
    while (current !== root && current.startsWith(root + path.sep)) {
      try {
        await fsp.rmdir(current);
      } catch {
        return;
      }
      current = path.dirname(current);
    }
  }

  /** Absolute path for a validated cloudPath; refuses anything that would leave the root. */
  private abs(cloudPath: string): string {
    const root = this.dir;
    if (root === null) throw new Error('no storage dir');
    const target = path.resolve(root, cloudPath);
    if (!target.startsWith(root + path.sep)) throw new StorageError('INVALID_PARAM', `cloudPath escapes the storage dir: ${cloudPath}`);
    return target;
  }

  private dropExpiredUploads(): void {
    const now = Date.now();
    for (const [token, p] of this.pendingUploads) if (p.expiresAt <= now) this.pendingUploads.delete(token);
  }
}

/** Why a cloudPath is unacceptable, or null when it is fine. */
export function validateCloudPath(cloudPath: string): string | null {
  if (cloudPath === '') return 'empty';
  if (Buffer.byteLength(cloudPath, 'utf8') > MAX_CLOUD_PATH_BYTES) return `longer than ${MAX_CLOUD_PATH_BYTES} bytes`;
  if (cloudPath.startsWith('/')) return 'must not start with /';
  if (cloudPath.endsWith('/')) return 'must name a file, not a folder';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(cloudPath)) return 'control characters and backslashes are not allowed';
  const segments = cloudPath.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'empty, "." and ".." segments are not allowed';
  if (segments[0] === TMP_DIR) return `${TMP_DIR} is reserved`;
  return null;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new StorageError('EntityTooLarge', `upload exceeds ${limit} bytes`, 413));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

/** COS error document; node-sdk reads Code, Message, RequestId and TraceId from it. */
function cosErrorXml(code: string, message: string, resource: string): string {
  return (
    `<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${requestId()}</RequestId><TraceId>${requestId()}</TraceId></Error>`
  );
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function mimeType(cloudPath: string): string {
  return MIME[path.extname(cloudPath).toLowerCase()] ?? 'application/octet-stream';
}
