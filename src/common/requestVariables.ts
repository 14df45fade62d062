// Variables in request files: `${env:NAME}` and `${workspaceFolder}` inside any string of a request's
// input, header values and webhook URL. A cloned repository's request file must not be able to send
// the user's key anywhere, so the fal key's variables and every name that looks like a secret are
// never read, and nothing is read in a workspace the user has not trusted. Pure: the host gives the
// environment, the folder and the trust (src/requestFiles/requestFilePreparation.ts).
import type { FileRequest } from './requestFile';

/** `${env:NAME}` (group 1: NAME) or `${workspaceFolder}`. */
const VARIABLE = /\$\{(?:env:([^}]*)|workspaceFolder)\}/g;

/** The fal key's own variables, never read whatever their names look like. */
export const FAL_KEY_VARIABLES: readonly string[] = ['FAL_KEY', 'FAL_KEY_ID', 'FAL_KEY_SECRET'];

/** Parts of a name (split at `_`, `-`, `.` and lower-to-upper case) that make it a secret's. */
const SECRET_PARTS = new Set([
  'KEY',
  'APIKEY',
  'SECRET',
  'TOKEN',
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASS',
  'PASSPHRASE',
  'CREDENTIAL',
  'CRED',
  'AUTH',
  'AUTHORIZATION',
  'OAUTH',
  'BEARER',
  'JWT',
  'PRIVATE',
  'SESSION',
  'COOKIE',
  'SIGNATURE',
]);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for the fal key's variables and names with a secret's word as a whole part (API_KEY, GithubToken; not MONKEY). */
export function isSecretVariable(name: string): boolean {
  if (FAL_KEY_VARIABLES.includes(name.toUpperCase())) return true;
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_\-.]+/)
    .map((part) => part.toUpperCase())
    .some((part) => SECRET_PARTS.has(part) || (part.endsWith('S') && SECRET_PARTS.has(part.slice(0, -1))));
}

/** What variables a request uses: the environment variables it names (each once, in order), and any at all. */
export function variablesIn(request: FileRequest): { readonly env: string[]; readonly any: boolean } {
  const env: string[] = [];
  let any = false;
  for (const text of stringsOf(request)) {
    for (const match of text.matchAll(VARIABLE)) {
      any = true;
      const name = match[1];
      if (name !== undefined && !env.includes(name)) env.push(name);
    }
  }
  return { env, any };
}

/** Where variables are read from. */
export interface VariableContext {
  /** `workspace.isTrusted`: nothing is resolved in a workspace not trusted. */
  readonly trusted: boolean;
  /** An environment variable's value, undefined when unset. */
  env(name: string): string | undefined;
  /** The workspace folder's path; undefined when there is none. */
  readonly workspaceFolder?: string;
}

/**
 * The environment variables the request will read, once it is known they may be read: throws an
 * Error saying what to do for a secret's name, a malformed one, or an untrusted workspace.
 */
export function checkVariables(request: FileRequest, trusted: boolean, label: string): string[] {
  const { env, any } = variablesIn(request);
  if (!any) return [];
  for (const name of env) {
    if (!ENV_NAME.test(name)) {
      throw new Error(
        `In ${label}: "\${env:${name}}" does not name an environment variable (letters, digits, _).`,
      );
    }
    if (isSecretVariable(name)) {
      throw new Error(
        `In ${label}: \${env:${name}} is not read: ${name} looks like a secret, and request files never send ` +
          "secrets (the fal key comes from the extension's own key). Put the value in the file, or use another variable.",
      );
    }
  }
  if (!trusted) {
    throw new Error(
      `In ${label}: variables (\${env:…}, \${workspaceFolder}) are resolved only in a trusted workspace. ` +
        'Trust this folder (Workspaces: Manage Workspace Trust) or write the values in the file.',
    );
  }
  return env;
}

/**
 * The request with its variables replaced in input, header values and webhook URL (checked first as
 * `checkVariables` does). Throws an Error saying what to do, as that does, and for an unset variable
 * or `${workspaceFolder}` without a folder.
 */
export function resolveVariables(request: FileRequest, context: VariableContext, label: string): FileRequest {
  checkVariables(request, context.trusted, label);
  if (!variablesIn(request).any) return request;
  const replace = (text: string): string =>
    text.replace(VARIABLE, (_match, name: string | undefined) => {
      if (name === undefined) {
        if (context.workspaceFolder === undefined) {
          throw new Error(`In ${label}: \${workspaceFolder} needs a folder open in VS Code.`);
        }
        return context.workspaceFolder;
      }
      const value = context.env(name);
      if (value === undefined) {
        throw new Error(
          `In ${label}: the environment variable ${name} is not set (in the environment VS Code started with).`,
        );
      }
      return value;
    });
  return {
    ...request,
    input: mapStrings(request.input, replace) as Record<string, unknown>,
    ...(request.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(request.headers).map(([name, value]) => [name, replace(value)]),
          ),
        }
      : {}),
    ...(request.webhookUrl ? { webhookUrl: replace(request.webhookUrl) } : {}),
  };
}

function stringsOf(request: FileRequest): string[] {
  const strings: string[] = [];
  mapStrings(request.input, (s) => (strings.push(s), s));
  strings.push(...Object.values(request.headers ?? {}));
  if (request.webhookUrl) strings.push(request.webhookUrl);
  return strings;
}

/** A copy of a JSON value with every string (not keys) mapped. */
function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  }
  return value;
}
