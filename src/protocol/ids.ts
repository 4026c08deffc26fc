import { v7 as uuidv7, validate, version } from 'uuid';

/** Sessions, runs, messages and tasks get UUID v7 ids, so they sort by creation time. */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && validate(value) && version(value) >= 1;
}
