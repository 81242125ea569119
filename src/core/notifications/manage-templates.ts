import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import { invalid } from '../errors.ts';
import { templateProblems, type MessageTemplate } from './templates.ts';

export interface TemplateInput {
  serviceCode?: string;
  kind: string;
  channel: string;
  language: string;
  subject?: string;
  body: string;
}

/** Sets a council's template (CLI and admin API): checked, for a service the council has, or for all of them. */
export async function setMessageTemplate(store: Store, jurisdictionId: string, input: TemplateInput, by: string, clock: Clock): Promise<MessageTemplate> {
  const serviceCode = input.serviceCode?.trim() ?? '';
  const problems = templateProblems(input);
  if (serviceCode && !(await store.services.get(jurisdictionId, serviceCode))) problems.unshift({ field: 'service', message: `no service "${serviceCode}" in ${jurisdictionId}` });
  if (problems.length) throw invalid(problems);
  const t = {
    jurisdictionId,
    serviceCode,
    kind: input.kind,
    channel: input.channel,
    language: input.language,
    subject: input.channel === 'email' ? input.subject?.trim() : undefined,
    body: input.body.trim(),
    updatedAt: clock.now(),
    by,
  } as MessageTemplate;
  await store.messageTemplates.put(t);
  return t;
}
