import { Action, Listing, SessionTruth, Unsequenced } from './actions';
import { ListingPicker } from './catalog';
import { ModelOptions } from './options';
import { Rng } from './random';
import { Visitor, visitContext, searchTerm } from './visitors';

/** A listing the session looked at, for call planning. */
export interface ViewedListing {
  listing: Listing;
  viewedAt: number;
}

export interface PlannedSession {
  truth: SessionTruth;
  actions: Action[];
  viewed: ViewedListing[];
}

type Emit = (action: Unsequenced) => void;

/**
 * One visit: a landing page (a search results page or a listing straight
 * from the search engine), then listing pages each followed by a few more
 * page views (gallery, save, ...) and a way back through search, with a think
 * time after every page. Think times are capped so that a pause never outlasts
 * the session's idle timeout (that would be two sessions, not one).
 */
export function planSession(
  rng: Rng,
  options: ModelOptions,
  picker: ListingPicker,
  arrival: { at: number; visitor: Visitor; returning: boolean; sessionId: string },
): PlannedSession {
  const { visitor, returning, sessionId } = arrival;
  const actions: Action[] = [];
  const emit: Emit = (action) => actions.push({ ...action, seq: 0 } as Action);
  const wantedListings = 1 + rng.poisson(Math.max(0, options.listingsPerSession - 1));
  const thinkCap = Math.max(30, options.sessionIdleSeconds - 60) * 1000;
  const think = () => Math.min(thinkCap, Math.max(2000, rng.exponential(options.thinkSeconds * 1000)));
  const context = visitContext(rng, visitor, returning);
  const viewedNow = new Set<string>();
  const viewed: ViewedListing[] = [];
  let t = arrival.at;
  let contextSent = false;
  const landOnListing = context.source !== 'direct' && rng.chance(0.5);
  if (!landOnListing) {
    emit({
      kind: 'page-view',
      at: t,
      visitorId: visitor.visitorId,
      sessionId,
      url: `/search?q=${encodeURIComponent(context.searchTerm ?? searchTerm(rng))}`,
      action: 'search',
    });
    t += think();
  }
  const landingPage = landOnListing ? undefined : (actions[0] as { url: string }).url;
  for (let i = 0; i < wantedListings; i++) {
    const listing = pickListing(rng, options, picker, visitor, viewedNow, t);
    if (!listing) break;
    viewedNow.add(listing.listingId);
    viewed.push({ listing, viewedAt: t });
    const url = `/cars/${listing.listingId}`;
    const firstDisplay = !contextSent ? { context: { ...context, landingPage: landingPage ?? url } } : {};
    contextSent = true;
    emit({
      kind: 'display',
      at: t,
      visitorId: visitor.visitorId,
      sessionId,
      listingId: listing.listingId,
      ...firstDisplay,
    });
    emit({
      kind: 'page-view',
      at: t,
      visitorId: visitor.visitorId,
      sessionId,
      url,
      action: 'view',
      listingId: listing.listingId,
    });
    const extra = rng.poisson(options.extraPagesPerListing);
    for (let p = 0; p < extra; p++) {
      t += think();
      emit({
        kind: 'page-view',
        at: t,
        visitorId: visitor.visitorId,
        sessionId,
        url: `${url}#more`,
        action: rng.pick(['gallery', 'gallery', 'save', 'share', 'finance']),
        listingId: listing.listingId,
      });
    }
    if (i < wantedListings - 1) {
      t += think();
      emit({
        kind: 'page-view',
        at: t,
        visitorId: visitor.visitorId,
        sessionId,
        url: `/search?page=${i + 2}`,
        action: 'search',
      });
      t += think();
    }
  }
  for (const { listing } of viewed) if (!visitor.seen.includes(listing.listingId)) visitor.seen.push(listing.listingId);
  visitor.busyUntil = t + options.sessionIdleSeconds * 1000 + 60_000;
  visitor.sessions++;
  const truth: SessionTruth = {
    sessionId,
    visitorId: visitor.visitorId,
    returning,
    startedAt: arrival.at,
    lastActivityAt: t,
    listingsViewed: viewed.length,
    pageViews: actions.filter((a) => a.kind === 'page-view').length,
  };
  return { truth, actions, viewed };
}

function pickListing(
  rng: Rng,
  options: ModelOptions,
  picker: ListingPicker,
  visitor: Visitor,
  viewedNow: Set<string>,
  at: number,
): Listing | null {
  const forSale = (listing: Listing) =>
    (listing.soldAt === null || listing.soldAt > at) && !viewedNow.has(listing.listingId);
  if (visitor.seen.length > 0 && rng.chance(options.revisitShare)) {
    const again = picker.byId(rng.pick(visitor.seen));
    if (again && forSale(again)) return again;
  }
  return picker.pick(rng, forSale);
}
