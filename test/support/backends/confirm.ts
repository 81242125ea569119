import { XMLParser } from 'fast-xml-parser';
import { standInServer } from './stand-in-server.ts';

const NS = 'http://www.confirm.co.uk/schema/am/connector/webservice';
const ACTION = `"${NS}/ProcessOperations"`;
const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true, isArray: (name) => name === 'Operation' || name === 'EnquiryDocument' || name === 'EnquiryAttribute' });

/**
 * A stand-in for Confirm's connector web service (Brightly Confirm,
 * "ConfirmConnector"), from what is public about it: mySociety's
 * open311-adapter, which raises enquiries in councils' Confirm in production
 * (perllib/Integrations/Confirm.pm and t/open311/endpoint/confirm.t). It is
 * SOAP 1.1: one POST with SOAPAction ".../ProcessOperations" carrying
 * ProcessOperationsRequest > Request > Authentication {Username, Password,
 * DatabaseId} and one or more Operation elements:
 *
 * - NewEnquiry {ServiceCode, SubjectCode, EnquiryDescription, EnquiryX/Y, EnquiryReference,
 *   EnquiryCustomer, EnquiryDocument…} → NewEnquiryResponse > Enquiry > EnquiryNumber;
 * - EnquiryUpdate {EnquiryNumber, StatusLogNotes, LoggedTime?, EnquiryStatusCode?} →
 *   EnquiryUpdateResponse > Enquiry {EnquiryNumber, EnquiryLogNumber}; a LoggedTime
 *   earlier than the enquiry's current status log is a Fault, as Confirm's is;
 * - GetEnquiryStatusChanges {LoggedTimeFrom, LoggedTimeTo} → UpdatedEnquiry
 *   {EnquiryNumber, EnquiryStatusLog {EnquiryLogNumber, EnquiryStatusCode, LogEffectiveTime, LoggedTime, StatusLogNotes}};
 * - GetEnquiryLookups → TypeOfService list.
 *
 * A refused operation answers 200 with Response > Fault > Reason (what the
 * adapter reads); bad credentials a SOAP Fault with HTTP 500. The wrapper
 * element names (ProcessOperationsResponse > Response > OperationResponse)
 * are assumed. It knows nothing of Idempotency-Key.
 */
export async function confirmStandIn(options: { username: string; password: string; databaseId: string; services: Record<string, string[]> }) {
  type Log = { EnquiryLogNumber: number; EnquiryStatusCode: string; LogEffectiveTime: string; LoggedTime: string; StatusLogNotes: string };
  const enquiries = new Map<string, { fields: Record<string, any>; logs: Log[] }>();
  const counts = { newEnquiries: 0, faults: 0 };
  let seq = 2000;

  const envelope = (inner: string) =>
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ProcessOperationsResponse xmlns="${NS}"><Response>${inner}</Response></ProcessOperationsResponse></soap:Body></soap:Envelope>`;
  const xml = (text: string, status = 200) => ({ status, text, contentType: 'text/xml; charset=utf-8' });
  const esc = (s: unknown) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const fault = (reason: string) => {
    counts.faults++;
    return xml(envelope(`<Fault><Reason>${esc(reason)}</Reason></Fault>`));
  };
  const log = (number: string, code: string, notes: string, at = new Date()) => {
    const e = enquiries.get(number)!;
    const entry = { EnquiryLogNumber: e.logs.length + 1, EnquiryStatusCode: code, LogEffectiveTime: at.toISOString(), LoggedTime: at.toISOString(), StatusLogNotes: notes };
    e.logs.push(entry);
    return entry;
  };

  const server = await standInServer((r) => {
    if (r.method !== 'POST' || r.headers.soapaction !== ACTION) return xml('<error>POST with SOAPAction ProcessOperations only</error>', 400);
    if (!String(r.headers['content-type']).startsWith('text/xml')) return xml('<error>text/xml expected</error>', 415);
    const request = parser.parse(r.text)?.Envelope?.Body?.ProcessOperationsRequest?.Request;
    if (!request) return xml('<error>no ProcessOperationsRequest</error>', 400);
    const a = request.Authentication ?? {};
    if (a.Username !== options.username || a.Password !== options.password || a.DatabaseId !== options.databaseId) {
      return xml(`<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Authentication failed</faultstring></soap:Fault></soap:Body></soap:Envelope>`, 500);
    }
    const out: string[] = [];
    for (const op of request.Operation ?? []) {
      if (op.NewEnquiry) {
        const e = op.NewEnquiry;
        if (!options.services[e.ServiceCode]?.includes(e.SubjectCode)) return fault(`Validate enquiry.Service ${e.ServiceCode ?? '(none)'} / subject ${e.SubjectCode ?? '(none)'} is not valid`);
        if (!e.EnquiryDescription) return fault('Validate enquiry.EnquiryDescription is required');
        for (const c of ['EnquiryX', 'EnquiryY']) if (e[c] !== undefined && !/^-?\d+(\.\d+)?$/.test(e[c])) return fault(`Validate enquiry.${c} must be a number`);
        counts.newEnquiries++;
        const number = String(++seq);
        enquiries.set(number, { fields: e, logs: [] });
        log(number, 'NEW', '');
        out.push(`<OperationResponse><NewEnquiryResponse><Enquiry><EnquiryNumber>${number}</EnquiryNumber><EnquiryLogNumber>1</EnquiryLogNumber></Enquiry></NewEnquiryResponse></OperationResponse>`);
      } else if (op.EnquiryUpdate) {
        const u = op.EnquiryUpdate;
        const e = enquiries.get(String(u.EnquiryNumber));
        if (!e) return fault(`Validate enquiry update.Enquiry ${u.EnquiryNumber} does not exist`);
        const current = e.logs.at(-1)!;
        // Without LoggedTime Confirm logs it now (after the current log, whatever the clocks say).
        const at = u.LoggedTime ? new Date(u.LoggedTime) : new Date(Math.max(Date.now(), new Date(current.LogEffectiveTime).getTime() + 1));
        if (at.getTime() <= new Date(current.LogEffectiveTime).getTime()) return fault(`Validate enquiry update.${u.EnquiryNumber}.Logged Date ${at.toISOString()} must be greater than the Effective Date of current status log`);
        const entry = log(String(u.EnquiryNumber), u.EnquiryStatusCode ?? current.EnquiryStatusCode, u.StatusLogNotes ?? '', at);
        out.push(`<OperationResponse><EnquiryUpdateResponse><Enquiry><EnquiryNumber>${esc(u.EnquiryNumber)}</EnquiryNumber><EnquiryLogNumber>${entry.EnquiryLogNumber}</EnquiryLogNumber></Enquiry></EnquiryUpdateResponse></OperationResponse>`);
      } else if (op.GetEnquiryStatusChanges) {
        const from = new Date(op.GetEnquiryStatusChanges.LoggedTimeFrom).getTime();
        const to = new Date(op.GetEnquiryStatusChanges.LoggedTimeTo).getTime();
        if (Number.isNaN(from) || Number.isNaN(to)) return fault('Validate status changes.LoggedTimeFrom and LoggedTimeTo are required');
        const updated = [...enquiries.entries()].flatMap(([n, e]) => {
          const logs = e.logs.filter((l) => new Date(l.LoggedTime).getTime() >= from && new Date(l.LoggedTime).getTime() <= to);
          return logs.length ? [`<UpdatedEnquiry><EnquiryNumber>${n}</EnquiryNumber>${logs.map((l) => `<EnquiryStatusLog>${Object.entries(l).map(([k, v]) => `<${k}>${esc(v)}</${k}>`).join('')}</EnquiryStatusLog>`).join('')}</UpdatedEnquiry>`] : [];
        });
        out.push(`<OperationResponse><GetEnquiryStatusChangesResponse>${updated.join('')}</GetEnquiryStatusChangesResponse></OperationResponse>`);
      } else if ('GetEnquiryLookups' in op) {
        const types = Object.entries(options.services).map(([s, subjects]) => `<TypeOfService><ServiceCode>${s}</ServiceCode>${subjects.map((x) => `<EnquirySubject><SubjectCode>${x}</SubjectCode></EnquirySubject>`).join('')}</TypeOfService>`);
        out.push(`<OperationResponse><GetEnquiryLookupsResponse>${types.join('')}</GetEnquiryLookupsResponse></OperationResponse>`);
      } else return fault(`Unknown operation ${Object.keys(op).join(', ')}`);
    }
    return xml(envelope(out.join('')));
  });

  return {
    ...server,
    enquiries,
    counts,
    /** A Confirm officer moves the enquiry on: a new status log. */
    setStatus: (number: string, code: string, notes = '') => log(number, code, notes, new Date(Math.max(Date.now(), new Date(enquiries.get(number)!.logs.at(-1)!.LogEffectiveTime).getTime() + 1))),
  };
}
