/** Where the local cloud finds the project's pieces, from the environment and the repo layout. */
import fs from 'node:fs';
import path from 'node:path';
import type { SchemaConfig } from './db/engine';
import type { IndexAdviceMode, IndexException } from './db/index-advisor';
import type { LocalCloudOptions } from './server';

export interface ProjectPaths {
  root: string;
  functions: string;
  schema: string;
  seed: string;
  sensitiveWords: string;
}

export function projectPaths(root: string): ProjectPaths {
  return {
    root,
    functions: path.join(root, 'cloudfunctions'),
    schema: path.join(root, 'database', 'schema.json'),
    seed: path.join(root, 'database', 'demo-data'),
    sensitiveWords: path.join(root, 'localcloud', 'sensitive-words.txt'),
  };
}

/** The schema, with the queries accepted without an index from index-exceptions.json beside it. */
export function readSchema(file: string): SchemaConfig | undefined {
  if (!fs.existsSync(file)) return undefined;
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as SchemaConfig;
  const exceptionsFile = path.join(path.dirname(file), 'index-exceptions.json');
  if (!fs.existsSync(exceptionsFile)) return schema;
  const { exceptions } = JSON.parse(fs.readFileSync(exceptionsFile, 'utf8')) as { exceptions?: IndexException[] };
  return { ...schema, indexExceptions: exceptions ?? [] };
}

export function readWordList(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Options for `npm start`, from the environment: PORT, HOST, LINLI_DATA_DIR, LINLI_ENV, LINLI_APPID,
 * LINLI_APP_SECRET (what the server API's stable_token accepts with LINLI_APPID),
 * LINLI_FUNCTIONS_DIRS (extra function folders, separated by the path delimiter),
 * LINLI_MAX_WORKERS (concurrent instances per function), LINLI_MAX_WORKERS_TOTAL (instances alive over
 * all functions), LINLI_WORKER_IDLE_SECONDS (an idle instance retires after it), LINLI_SEED (`none`: start
 * empty) and LINLI_INDEX_ADVICE (`log`, the default here: print each query no index serves; `strict`: refuse it).
 */
export function optionsFromEnvironment(root: string, env: NodeJS.ProcessEnv = process.env): LocalCloudOptions {
  const paths = projectPaths(root);
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const indexAdvice = (env.LINLI_INDEX_ADVICE || 'log') as IndexAdviceMode;
  if (!['record', 'log', 'strict'].includes(indexAdvice)) throw new Error(`LINLI_INDEX_ADVICE must be record, log or strict, got ${indexAdvice}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(root, env.LINLI_DATA_DIR || '.linli'),
    functionRoots: [paths.functions, ...(env.LINLI_FUNCTIONS_DIRS ?? '').split(path.delimiter).filter(Boolean)],
    schema: readSchema(paths.schema),
    seed: env.LINLI_SEED === 'none' ? undefined : paths.seed,
    envName: env.LINLI_ENV || 'linli-local',
    appid: env.LINLI_APPID || 'touristappid',
    appSecret: env.LINLI_APP_SECRET || undefined,
    sensitiveWords: readWordList(paths.sensitiveWords),
    realTimeTimers: true,
    echoFunctionLogs: true,
    maxWorkersPerFunction: env.LINLI_MAX_WORKERS ? Number(env.LINLI_MAX_WORKERS) : undefined,
    indexAdvice,
    maxWorkers: env.LINLI_MAX_WORKERS_TOTAL ? Number(env.LINLI_MAX_WORKERS_TOTAL) : undefined,
    workerIdleMs: env.LINLI_WORKER_IDLE_SECONDS ? Number(env.LINLI_WORKER_IDLE_SECONDS) * 1000 : undefined,
  };
}
