import { HttpApi } from '@callpool/contracts';

/** Request bodies of the allocator's API (CONTRACT.md; schemas in libs/contracts, shared with libs/client). */
export const { DisplayRequest, PageViewRequest, ListingRequest, ListingIdParam } = HttpApi;
