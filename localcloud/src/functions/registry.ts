/**
 * Finds cloud functions the way WeChat DevTools uploads them: a folder `<root>/<name>/` holding the
 * built `index.js` and a `config.json` (timeout in seconds, openapi permissions, one timer trigger).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';

export interface TimerTrigger {
  name: string;
  cron: string;
}

export interface FunctionDefinition {
  name: string;
  dir: string;
  entry: string;
  timeoutMs: number;
  openapi: string[];
  trigger: TimerTrigger | null;
  envVariables: Record<string, string>;
  /** False when there is no built index.js to run. */
  runnable: boolean;
  /** Why the function or its trigger cannot be used, if so. */
  error?: string;
}

export const DEFAULT_TIMEOUT_MS = 3_000;
export const MAX_TIMEOUT_MS = 60_000;
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;

/** WeChat's timer cron: 7 fields (second minute hour day month weekday year), read in UTC+8. */
export function parseTimerCron(expression: string): Cron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 7) throw new Error(`timer config must have 7 fields (sec min hour day month weekday year): "${expression}"`);
  return new Cron(expression, { timezone: 'Asia/Shanghai', paused: true });
}

interface RawConfig {
  timeout?: unknown;
  permissions?: { openapi?: unknown };
  triggers?: unknown;
  envVariables?: unknown;
}

function readTrigger(raw: unknown): TimerTrigger | null {
  if (raw === undefined) return null;
  if (!Array.isArray(raw)) throw new Error('triggers must be an array');
  if (raw.length === 0) return null;
  if (raw.length > 1) throw new Error('a cloud function may have only one trigger');
  const trigger = raw[0] as { name?: unknown; type?: unknown; config?: unknown };
  if (trigger.type !== 'timer') throw new Error(`unsupported trigger type ${String(trigger.type)}`);
  if (typeof trigger.name !== 'string' || !TRIGGER_NAME.test(trigger.name))
    throw new Error(`invalid trigger name ${JSON.stringify(trigger.name)}: letters, digits, _ and -, starting with a letter, at most 60`);
  if (typeof trigger.config !== 'string') throw new Error('trigger config must be a cron string');
  parseTimerCron(trigger.config);
  return { name: trigger.name, cron: trigger.config };
}

export function loadFunction(dir: string): FunctionDefinition {
  const name = path.basename(dir);
  const definition: FunctionDefinition = {
    name,
    dir,
    entry: path.join(dir, 'index.js'),
    timeoutMs: DEFAULT_TIMEOUT_MS,
    openapi: [],
    trigger: null,
    envVariables: {},
    runnable: fs.existsSync(path.join(dir, 'index.js')),
  };
  try {
    const configPath = path.join(dir, 'config.json');
    const config: RawConfig = fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, 'utf8')) : {};
    if (config.timeout !== undefined) {
      const seconds = Number(config.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`invalid timeout ${String(config.timeout)}`);
      definition.timeoutMs = Math.min(seconds * 1000, MAX_TIMEOUT_MS);
    }
    const openapi = config.permissions?.openapi;
    if (openapi !== undefined) {
      if (!Array.isArray(openapi) || !openapi.every((api) => typeof api === 'string'))
        throw new Error('permissions.openapi must be a list of API names');
      definition.openapi = openapi;
    }
    if (config.envVariables !== undefined && typeof config.envVariables === 'object' && config.envVariables !== null)
      definition.envVariables = Object.fromEntries(Object.entries(config.envVariables).map(([k, v]) => [k, String(v)]));
    definition.trigger = readTrigger(config.triggers);
    if (!definition.runnable) throw new Error(`${definition.entry} is missing: build the function first`);
  } catch (error) {
    definition.error = error instanceof Error ? error.message : String(error);
  }
  return definition;
}

/** Every function folder under the roots; a later root's function of the same name wins. */
export function discoverFunctions(roots: readonly string[]): Map<string, FunctionDefinition> {
  const found = new Map<string, FunctionDefinition>();
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const dir = path.join(root, entry.name);
      if (!fs.existsSync(path.join(dir, 'index.js')) && !fs.existsSync(path.join(dir, 'config.json'))) continue;
      found.set(entry.name, loadFunction(dir));
    }
  }
  return found;
}
