/**
 * Every Redis key of the limits is built here. A subject's keys share its hash tag
 * (`{wallet:W1}`, `{caller:+86…}`, `{call:CA…}`), so each script, which touches one subject only,
 * also runs on Redis Cluster; every key a script touches is passed to it in KEYS.
 */
export interface LimitKeys {
  /** The end of a subject's lock. */
  lock(subject: string): string;
  /** A subject's attempts at one kind of secret (`pin`, `code`). */
  attempts(subject: string, counter: string): string;
  /** A subject's quotas (SMS, codes). */
  quota(subject: string): string;
}

export function limitKeys(prefix: string): LimitKeys {
  return {
    lock: (subject) => `${prefix}{${subject}}:lock`,
    attempts: (subject, counter) => `${prefix}{${subject}}:attempts:${counter}`,
    quota: (subject) => `${prefix}{${subject}}:quota`,
  };
}
