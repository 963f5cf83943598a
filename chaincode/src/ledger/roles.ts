/**
 * Who may hold which role. A certificate attribute alone can be minted by any
 * organisation's CA, so each role is bound to the organisations allowed to grant
 * it. This is chaincode, not each peer's environment: every endorser applies the
 * same rule, and changing it is a chaincode upgrade both organisations approve.
 */
export const ROLE_ATTRIBUTE = 'ecch.role';

export const ROLES = {
  /** The network administrator: the community's operator, enrolled at the Community CA. */
  na: { value: 'na', orgs: ['CommunityMSP'] },
  /** Benchmark identities (diagnostics:Touch writes state); either organisation may run a benchmark. */
  bench: { value: 'bench', orgs: ['CommunityMSP', 'GridMSP'] },
} as const;

/** Households are the community's: enrolled at the Community CA, bound to a CommunityMSP identity. */
export const HOUSEHOLD_ORGS: readonly string[] = ['CommunityMSP'];
