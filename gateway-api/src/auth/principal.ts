/** Who a request acts for, resolved from its bearer token. */
export type Principal = { role: 'na' } | { role: 'household'; participantId: string };

/** What a route lets in: `public` needs no token; `any` needs a valid one. */
export type Access = 'public' | 'any' | 'na' | 'household';
