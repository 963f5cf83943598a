/**
 * The gateway's one error type: an HTTP status, a stable code and a detail that is
 * safe to show the caller. The central error handler turns it into a problem
 * document; routes throw it and never build error responses themselves.
 */
export interface FieldError {
  /** JSON pointer into the request, e.g. `/body/energyWh`. */
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** Stable, upper-snake-case, e.g. `UNAUTHENTICATED`; becomes the problem `type`. */
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
    this.name = 'ApiError';
  }
}

export const unauthenticated = (detail: string): ApiError => new ApiError(401, 'UNAUTHENTICATED', detail);
export const forbidden = (detail: string): ApiError => new ApiError(403, 'FORBIDDEN', detail);
export const badRequest = (detail: string, errors: FieldError[]): ApiError => new ApiError(400, 'VALIDATION_FAILED', detail, errors);
export const conflict = (code: string, detail: string): ApiError => new ApiError(409, code, detail);
