import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Service } from '../../core/services/service.ts';
import type { Address, AddressLookup } from '../../core/addresses/address.ts';
import { POSTCODE } from '../../core/addresses/address.ts';
import { validateLocation } from '../../core/requests/validate.ts';
import { processState } from '../../core/process/rules.ts';
import { CLOSED_STATUSES } from '../../core/statuses.ts';
import { addressLookup } from '../../addresses/lookup.ts';
import { AddressServiceError } from '../../addresses/os-places.ts';
import { latLongToGrid } from '../../addresses/grid.ts';
import type { WebContext } from '../plugin.ts';
import type { PageError } from '../render.ts';
import { offered } from '../catalogue.ts';
import { nextPath, previousPath, readDraft, reportPath, writeDraft, type Draft } from '../draft.ts';
import { overLimit, WEB_LIMITS } from '../limits.ts';
import { localised } from '../welsh.ts';
import { clickedPoint, tileGrid } from '../map.ts';
import { publicReports } from './track.ts';

type Params = { service: string };
type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const MAP_ZOOM = 18;
const MAX_ADDRESSES = 100;
const NATURAL = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

/** A chosen address's UPRN and grid reference, as the attributes FixMyStreet sends them (the core reads them into the location). */
export function gridAttributes(draft: Draft): Record<string, string> {
  return { ...(draft.uprn ? { uprn: draft.uprn } : {}), ...(draft.easting && draft.northing ? { easting: draft.easting, northing: draft.northing } : {}) };
}

/**
 * "Where is the problem?": find the address by postcode or street (the
 * gazetteer or OS Places), or type it; mark the place on a map (Leaflet with
 * JavaScript, clickable tiles without); then, when open reports of the same
 * service are near, "Is it one of these?" before going on.
 */
export async function locationRoutes(app: FastifyInstance, ctx: WebContext) {
  const { store, render, config } = ctx;
  const lookup: AddressLookup = addressLookup(config, store);
  const form = { preHandler: app.csrfProtection };
  const changing = (req: FastifyRequest) => (req.query as Body)?.change === '1';
  const here = (service: Service, req: FastifyRequest, extra = '') => `${reportPath(service, 'location')}${changing(req) ? '?change=1' : ''}${extra ? `${changing(req) ? '&' : '?'}${extra}` : ''}`;

  async function serviceOf(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) {
    const service = await store.services.get((await render.council(req)).id, req.params.service);
    if (service && offered(service)) return localised(service, render.lang(req));
    const t = render.t(req);
    await render.page(req, reply, 'error.njk', { title: t('notFound.title'), body: t('notFound.service') }, { status: 404 });
    return undefined;
  }

  /** The map around the point given, else around the draft's. */
  const mapFor = (draft: Partial<Draft>) => {
    if (!config.mapTilesUrl || !draft.lat || !draft.long) return undefined;
    const [lat, long] = [Number(draft.lat), Number(draft.long)];
    if (!Number.isFinite(lat) || !Number.isFinite(long)) return undefined;
    return { ...tileGrid(lat, long, MAP_ZOOM), lat, long, attribution: config.mapAttribution, tiles: '/assets/tiles/{z}/{x}/{y}.png' };
  };

  async function show(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, service: Service, values: Partial<Draft>, opts: { errors?: PageError[]; status?: number } = {}) {
    const t = render.t(req);
    const errors = [...(opts.errors ?? [])];
    const find = str((req.query as Body)?.find).trim().slice(0, 100);
    let results: Address[] | undefined;
    let lookupDown = false;
    if (lookup.kind !== 'none' && (req.query as Body)?.find !== undefined) {
      if (!find) errors.push({ field: 'find', href: '#find', text: t('error.find.empty') });
      else {
        try {
          results = POSTCODE.test(find) ? await lookup.byPostcode(find, MAX_ADDRESSES) : find.length >= 3 ? await lookup.byStreet(find, MAX_ADDRESSES) : [];
        } catch (err) {
          if (!(err instanceof AddressServiceError)) throw err;
          req.log.warn({ err }, 'address lookup failed; the resident can type the address');
          lookupDown = true;
        }
        if (results && !results.length) errors.push({ field: 'find', href: '#find', text: t('error.find.none', { find }) });
      }
    }
    // "2 High Street" before "10 High Street", as people count.
    results?.sort((a, b) => NATURAL.compare(a.address, b.address));
    const items = results?.map((a) => ({ value: a.uprn, text: a.address, checked: a.uprn === values.uprn }));
    const status = opts.status ?? (errors.length ? 400 : 200);
    return render.page(req, reply, 'location.njk', {
      service,
      action: here(service, req),
      findAction: reportPath(service, 'location'),
      changing: changing(req),
      back: previousPath(service, 'location', changing(req)),
      values,
      lookup: lookup.kind !== 'none',
      find,
      items,
      lookupDown,
      map: mapFor(values),
      errors,
    }, { status, form: true });
  }

  app.get<{ Params: Params }>('/report/:service/location', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (service) return show(req, reply, service, readDraft(req.session, service.code));
  });

  app.post<{ Params: Params }>('/report/:service/location', form, async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const body = (req.body ?? {}) as Body;
    const t = render.t(req);
    const draft = readDraft(req.session, service.code);

    // An address chosen from the lookup (or the list sent with none chosen).
    if (body.uprn !== undefined || body.choose !== undefined) {
      const uprn = str(body.uprn);
      const address = /^\d{1,12}$/.test(uprn) ? await lookup.byUprn(uprn).catch(() => undefined) : undefined;
      if (!address) {
        const find = str(body.find);
        req.query = { ...(req.query as object), find } as never;
        return show(req, reply, service, draft, { errors: [{ field: 'uprn', href: '#uprn', text: t('error.find.choose') }] });
      }
      Object.assign(draft, {
        address: address.address.replace(new RegExp(`,?\\s*${address.postcode}$`, 'i'), ''),
        postcode: address.postcode,
        uprn: address.uprn,
        easting: String(address.easting),
        northing: String(address.northing),
        lat: String(address.lat),
        long: String(address.long),
      });
      writeDraft(req.session, service.code, draft);
      // With a map, the place can be marked more exactly next; else on to the next page.
      return reply.redirect(config.mapTilesUrl ? `${here(service, req)}#map` : await afterLocation(req, service, draft), 303);
    }

    // A click on the no-JavaScript map, or a pin dropped on the JavaScript one ("Use this place").
    const clicked = clickedPoint(body) ?? (body.pin !== undefined ? pinOf(body) : undefined);
    if (clicked || body.pin !== undefined) {
      if (!clicked) return show(req, reply, service, draft, { errors: [{ field: 'map', href: '#map', text: t('error.location.device') }] });
      const grid = latLongToGrid(clicked.lat, clicked.long);
      Object.assign(draft, { lat: String(clicked.lat), long: String(clicked.long), easting: String(grid.easting), northing: String(grid.northing) });
      writeDraft(req.session, service.code, draft);
      return reply.redirect(body.pin !== undefined ? await afterLocation(req, service, draft) : `${here(service, req)}#map`, 303);
    }

    // The address typed in (and the device's position, if it gave one).
    const values = { address: str(body.address).trim(), postcode: str(body.postcode).trim().toUpperCase(), lat: str(body.lat).trim().slice(0, WEB_LIMITS.lat), long: str(body.long).trim().slice(0, WEB_LIMITS.long) };
    const tooLong = overLimit({ address: values.address, postcode: values.postcode });
    if (tooLong.length) {
      const labels: Record<string, string> = { address: t('location.address'), postcode: t('location.postcode') };
      return show(req, reply, service, values, { errors: tooLong.map((f) => ({ field: f, href: `#${f}`, text: t('error.tooLongNamed', { field: labels[f], max: WEB_LIMITS[f] }) })) });
    }
    const { problems } = validateLocation({ address: values.address, zipcode: values.postcode, lat: values.lat, long: values.long }, {});
    if (problems.length) {
      const device = problems.some((p) => p.field === 'lat' || p.field === 'long');
      // A broken device position is dropped so the person can carry on with an address.
      const shown = device ? { ...values, lat: '', long: '' } : values;
      return show(req, reply, service, shown, { errors: [{ field: 'address', href: '#address', text: t(device ? 'error.location.device' : 'error.location.required') }] });
    }
    // Typed over a chosen address: the UPRN no longer names this place; a point kept from the map stays.
    const same = draft.uprn && values.address === draft.address;
    const grid = values.lat && values.long && !same ? latLongToGrid(Number(values.lat), Number(values.long)) : undefined;
    Object.assign(draft, {
      address: values.address || undefined,
      postcode: values.postcode || undefined,
      lat: values.lat || undefined,
      long: values.long || undefined,
      uprn: same ? draft.uprn : undefined,
      easting: same ? draft.easting : grid ? String(grid.easting) : undefined,
      northing: same ? draft.northing : grid ? String(grid.northing) : undefined,
    });
    writeDraft(req.session, service.code, draft);
    return reply.redirect(await afterLocation(req, service, draft), 303);
  });

  /** Next: "Is it one of these?" when open reports of this service are near; else the page after location. */
  async function afterLocation(req: FastifyRequest, service: Service, draft: Draft): Promise<string> {
    // A new place: a report chosen to join near the old one is chosen again, or not, on "Is it one of these?".
    if (draft.joining) {
      delete draft.joining;
      writeDraft(req.session, service.code, draft);
    }
    const near = await nearbyReports(service, draft);
    return near.length ? `${reportPath(service, 'nearby')}${changing(req) ? '?change=1' : ''}` : nextPath(service, 'location', changing(req));
  }

  async function nearbyReports(service: Service, draft: Draft) {
    if (!publicReports(config, service) || !draft.lat || !draft.long) return [];
    const found = await store.residentWeb.nearby({
      jurisdictionId: service.jurisdictionId, serviceCode: service.code, lat: Number(draft.lat), long: Number(draft.long),
      metres: config.webNearbyMetres, limit: 5, closed: [...CLOSED_STATUSES],
    });
    // The pattern's own closing statuses decide too (a report at "fixed" under a pattern that closes there is not open).
    const open = await Promise.all(found.map(async (n) => ((await processState(store, n.request))?.closed ? undefined : n)));
    return open.filter((n): n is NonNullable<typeof n> => !!n);
  }

  app.get<{ Params: Params }>('/report/:service/nearby', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const draft = readDraft(req.session, service.code);
    const near = await nearbyReports(service, draft);
    const next = nextPath(service, 'location', changing(req));
    if (!near.length) return reply.redirect(next, 303);
    const t = render.t(req);
    // A localised service carries the labels of the page's language (Welsh ones, or none: the catalogue's).
    const label = (status: string) => service.statusLabels?.[status as never] ?? t(`status.${status}`);
    const reports = await Promise.all(
      near.map(async (n) => ({
        reference: await ctx.references.of(n.request.id),
        status: label(n.request.status),
        address: n.request.location.address,
        requestedAt: n.request.requestedAt,
        metres: Math.max(5, Math.round(n.metres / 5) * 5),
      })),
    );
    return render.page(req, reply, 'nearby.njk', { service, reports, next, action: `${reportPath(service, 'nearby')}${changing(req) ? '?change=1' : ''}`, back: here(service, req) }, { form: true });
  });

  // "I'm reporting this too" (decision 0160): the resident joins one of the reports shown, then gives
  // their contact details on the journey's own contact page; "a different problem" carries on with theirs.
  app.post<{ Params: Params }>('/report/:service/nearby', form, async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const draft = readDraft(req.session, service.code);
    const chosen = str((req.body as Body)?.join);
    const resolved = chosen ? await ctx.references.resolve(chosen) : undefined;
    // Only a report this page offered (open, same service, near the place) can be joined.
    const near = resolved?.ok ? (await nearbyReports(service, draft)).find((n) => n.request.id === resolved.id) : undefined;
    if (chosen && !near) return reply.redirect(reportPath(service, 'nearby'), 303);
    if (near) draft.joining = { id: near.request.id, reference: await ctx.references.of(near.request.id) };
    else delete draft.joining;
    writeDraft(req.session, service.code, draft);
    return reply.redirect(near ? reportPath(service, 'contact') : nextPath(service, 'location', changing(req)), 303);
  });
}

/** The point the JavaScript map posts ("Use this place"): lat and long as numbers within range. */
function pinOf(body: Body): { lat: number; long: number } | undefined {
  const lat = Number(str(body.lat)), long = Number(str(body.long));
  return str(body.lat) && str(body.long) && Math.abs(lat) <= 90 && Math.abs(long) <= 180 ? { lat, long } : undefined;
}
