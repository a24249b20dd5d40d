import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ROOT } from './ops-kit';

/** docker-compose.yml as the tests read it: parsed (YAML merge keys resolved), nothing run. */
export interface ComposeService {
  profiles?: string[];
  image?: string;
  build?: string;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

export const COMPOSE_TEXT = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');

export function composeFile(): ComposeFile {
  const document = parseDocument(COMPOSE_TEXT, { merge: true });
  if (document.errors.length > 0 || document.warnings.length > 0) {
    throw new Error(`docker-compose.yml: ${[...document.errors, ...document.warnings].map((issue) => issue.message).join('; ')}`);
  }
  return document.toJS() as ComposeFile;
}

export function servicesOfProfile(compose: ComposeFile, profile: string): string[] {
  return Object.keys(compose.services).filter((name) => compose.services[name]!.profiles?.includes(profile));
}

/** `${NAME}`, `${NAME:-default}` and `$NAME` as compose interpolates them: the variable's default here. */
export function interpolate(text: string): string {
  return text.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (_whole, _name, fallback: string | undefined) => fallback ?? '');
}

export function interpolatedVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{(\w+)[^}]*\}|\$(\w+)/g)].map((match) => (match[1] ?? match[2])!))];
}

export interface PortMapping {
  ip?: string;
  host: number;
  container: number;
}

/** Short syntax `[ip:]host:container`, interpolated. */
export function portMapping(spec: string): PortMapping {
  const parts = interpolate(spec).split(':');
  if (parts.length < 2 || parts.length > 3) throw new Error(`unsupported port mapping ${spec}`);
  const [container, host, ip] = parts.reverse() as [string, string, string | undefined];
  return { ...(ip ? { ip } : {}), host: Number(host), container: Number(container) };
}

export interface Mount {
  source: string;
  target: string;
  bind: boolean;
}

export function mounts(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((spec) => {
    const [source, target] = spec.split(':') as [string, string];
    return { source, target, bind: source.startsWith('.') || source.startsWith('/') };
  });
}

/** Names assigned in .env.example, set (`NAME=…`) or shown commented out (`# NAME=…`, an alternative left unset). */
export function envExampleNames(): Set<string> {
  const text = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!));
}

/** HAProxy's sections (`frontend x`, `backend y`, …) and their lines, comments dropped. */
export function haproxySections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trimEnd();
    if (!line.trim()) continue;
    if (/^\S/.test(line)) sections.set(line.trim(), (current = []));
    else current?.push(line.trim());
  }
  return sections;
}
