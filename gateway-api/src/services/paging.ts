/** List transactions take (pageSize, bookmark) as strings; "" means the ledger's default / the first page. */
export interface PageArgs {
  pageSize?: number;
  bookmark?: string;
}

export interface Page<T> {
  items: T[];
  bookmark: string;
}

export function pageArgs(page: PageArgs): [string, string] {
  return [page.pageSize === undefined ? '' : String(page.pageSize), page.bookmark ?? ''];
}
