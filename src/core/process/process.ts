import type { Status } from '../statuses.ts';
import { addDuration } from './duration.ts';

/**
 * A pattern's process as written in its document (the format is defined in
 * src/patterns/schema.ts, which checks it stays assignable to this).
 */
export interface ProcessDocument {
  statuses: { status: string; label: string; description?: string; target?: string }[];
  transitions: { from: string | string[]; to: string | string[]; notify?: boolean }[];
  closing: string[];
  target?: string;
}

/** A pattern's process, ready to answer "may a request move from A to B?" quickly. */
export interface Process {
  statuses: Map<Status, { label: string; target?: string }>;
  /** "from>to" for every allowed change. */
  transitions: Map<string, { notify: boolean }>;
  closing: Set<Status>;
  target?: string;
}

const arr = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

export function compileProcess(p: ProcessDocument): Process {
  const transitions = new Map<string, { notify: boolean }>();
  for (const t of p.transitions) {
    for (const from of arr(t.from)) {
      for (const to of arr(t.to)) {
        const key = `${from}>${to}`;
        // A pair listed twice notifies if either listing says so.
        transitions.set(key, { notify: !!t.notify || !!transitions.get(key)?.notify });
      }
    }
  }
  return {
    statuses: new Map(p.statuses.map((s) => [s.status as Status, { label: s.label, target: s.target }])),
    transitions,
    closing: new Set(p.closing as Status[]),
    target: p.target,
  };
}

export type TransitionCheck = { allowed: true; notify: boolean } | { allowed: false; reason: string };

/**
 * May a request at `from` move to `to`? Staying at the same status (a comment
 * with its status repeated) is always allowed and tells no one.
 */
export function checkTransition(process: Process, from: Status, to: Status): TransitionCheck {
  if (from === to) return { allowed: true, notify: false };
  if (!process.statuses.has(to)) {
    return { allowed: false, reason: `"${to}" is not a status of this service's process (${[...process.statuses.keys()].join(', ')})` };
  }
  const t = process.transitions.get(`${from}>${to}`);
  if (!t) {
    const allowed = [...process.transitions.keys()].filter((k) => k.startsWith(`${from}>`)).map((k) => k.split('>')[1]);
    return { allowed: false, reason: `a request at "${from}" may not move to "${to}" (allowed: ${allowed.join(', ') || 'none'})` };
  }
  return { allowed: true, notify: t.notify };
}

/** The expected datetime of a new request: the open status's target, else the overall target. */
export function expectedAtStart(process: Process, requestedAt: Date): Date | undefined {
  const t = process.statuses.get('open')?.target ?? process.target;
  return t ? addDuration(requestedAt, t) : undefined;
}

/**
 * The expected datetime after moving into `status`: a status with a target
 * restarts the clock ("resolved within N of entering it"); one without keeps
 * the date already promised.
 */
export function expectedAtOnEntry(process: Process, status: Status, at: Date): Date | undefined {
  const t = process.statuses.get(status)?.target;
  return t ? addDuration(at, t) : undefined;
}

/** Overdue: not at a closing status and past its expected datetime. */
export function isOverdue(request: { status: Status; expectedAt?: Date }, closing: ReadonlySet<Status>, now = new Date()): boolean {
  return !closing.has(request.status) && !!request.expectedAt && request.expectedAt.getTime() < now.getTime();
}
