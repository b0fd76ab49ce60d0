import type { Utm } from '../db/schema';
import { ConflictError, ValidationError } from '../lib/errors';
import { namesOwn, paramKey } from './forward-query';

/** A destination parameter the click id would overwrite: its name, and where it comes from (`url` or `utm.<key>`). */
export interface Clash {
  name: string;
  field: string;
}

/**
 * The parameter of `url`'s query, or the link's `utm_*`, that the program's click id parameter
 * would overwrite at the redirect (`buildDestination` sets it last), or null. Names compare as the
 * forwarded query compares them (`namesOwn`: decoded, case-folded, and as a destination's framework
 * reads them), so `?REF=spring`, `?%72ef=x` and `?ref[]=x` all clash with `ref`.
 */
export function clickIdParamClash(url: string, clickIdParam: string, utm: Utm | null = null): Clash | null {
  const own = new Set([paramKey(clickIdParam)]);
  for (const pair of new URL(url).search.slice(1).split('&')) {
    if (pair !== '' && namesOwn(pair, own)) return { name: pair.split('=', 1)[0]!, field: 'url' };
  }
  for (const [k, v] of Object.entries(utm ?? {})) {
    if (v && own.has(`utm_${k}`)) return { name: `utm_${k}`, field: `utm.${k}` };
  }
  return null;
}

/**
 * 422 `click_id_param_clash` when the click id would overwrite one of the destination's own
 * parameters; on `field` when given (a program's `clickIdParam` or `defaultUrl`), else on the
 * link field that carries the parameter (`url`, `utm.source`…).
 */
export function throwIfClickIdParamClash(url: string, clickIdParam: string, utm: Utm | null, field?: string): void {
  const clash = clickIdParamClash(url, clickIdParam, utm);
  if (clash === null) return;
  throw new ValidationError(
    field ?? clash.field,
    `the destination already has a "${clash.name}" parameter, which the click id parameter "${clickIdParam}" would overwrite`,
    'click_id_param_clash',
  );
}

/**
 * 409 `contention`: a check against the program's clickIdParam was overtaken by a concurrent write
 * twice in a row (each time it was checked again against what was written), so nothing was written.
 */
export function clickIdParamRaced(): ConflictError {
  return new ConflictError("the program's clickIdParam or a link's destination changed while this request was checked; retry the request", 'contention');
}
