import type { FastifyReply, FastifyRequest } from 'fastify';

/** One field's error: in the summary (linking to `href`) and by the field. */
export interface PageError {
  field: string;
  href: string;
  text: string;
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Europe/London' });
const time = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' });

/** Dates as staff read them, in the council's time zone: "3 Mar 2026, 2:30pm". */
export const formatDate = (d: Date | undefined, withTime = true) =>
  d ? (withTime ? `${day.format(d)}, ${time.format(d).replace(/\s/g, '').toLowerCase()}` : day.format(d)) : '';

/**
 * Renders a staff page with the layout's context: who is signed in, the
 * council, what their role lets them see in the navigation, the CSP nonce, a
 * CSRF token (every page has the sign-out form) and errors in the two shapes
 * the GOV.UK components take.
 */
export async function page(req: FastifyRequest, reply: FastifyReply, template: string, ctx: Record<string, unknown>, status = 200): Promise<FastifyReply> {
  const errors = (ctx.errors as PageError[] | undefined) ?? [];
  const staff = req.staff;
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .view(template, {
      cspNonce: (reply as unknown as { cspNonce?: { script: string } }).cspNonce?.script,
      csrfToken: reply.generateCsrf(),
      currentPath: new URL(req.url, 'http://x').pathname,
      user: staff?.user,
      actor: staff?.actor,
      councilName: staff?.council?.name,
      councils: staff?.councils ?? [],
      can: (ability: string) => !!staff?.can(ability),
      formatDate,
      flash: req.staffSession?.flash(),
      ...ctx,
      errors: errors.map((e) => ({ text: e.text, href: e.href })),
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
    });
}
