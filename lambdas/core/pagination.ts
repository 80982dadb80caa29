export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** An opaque position in a list, produced and understood only by the store that made it. */
export type Cursor = string;

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: Cursor | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: Cursor | undefined;
  readonly previous?: Cursor | undefined;
}
