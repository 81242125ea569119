/**
 * One registry of stable error codes. Each front end (Open311, web, admin API,
 * CLI) renders these in its own format; a test keeps docs/errors.md in step.
 * `message` is safe to show to the caller; detail for operators goes to logs.
 */
export const ERRORS = {
  INVALID_INPUT: { status: 400, message: 'The request is not valid' },
  JURISDICTION_REQUIRED: { status: 400, message: 'jurisdiction_id was not provided' },
  JURISDICTION_NOT_FOUND: { status: 404, message: 'jurisdiction_id was not found' },
  SERVICE_NOT_FOUND: { status: 404, message: 'service_code was not found' },
  SERVICE_INACTIVE: { status: 400, message: 'This service is not taking new requests' },
  REQUEST_NOT_FOUND: { status: 404, message: 'service_request_id was not found' },
  TOKEN_NOT_FOUND: { status: 404, message: 'token was not found' },
  API_KEY_INVALID: { status: 403, message: 'api_key is missing or invalid' },
  FORBIDDEN: { status: 403, message: 'Your role does not allow this' },
  FORMAT_UNSUPPORTED: { status: 400, message: 'Unsupported format: use .xml or .json' },
  NOT_FOUND: { status: 404, message: 'No such resource' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed on this resource' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  URL_TOO_LONG: { status: 414, message: 'The URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large' },
  RATE_LIMITED: { status: 429, message: 'Too many requests: slow down and try again' },
  PATTERN_NOT_FOUND: { status: 404, message: 'No such service pattern (or version) in this council library' },
  PATTERN_VERSION_PUBLISHED: { status: 409, message: 'A published pattern version never changes: give your edits a new version' },
  PATTERN_NOT_PUBLISHED: { status: 409, message: 'Only a published pattern version can be adopted' },
  PATTERN_MERGE_CONFLICT: { status: 409, message: 'The source and this council changed the same thing differently: resolve each conflict first' },
  TRANSITION_NOT_ALLOWED: { status: 409, message: "The service's process does not allow this status change" },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'This Idempotency-Key was sent before with a different request' },
  SIGNATURE_INVALID: { status: 401, message: 'The signature of this call is missing or wrong' },
  BACKEND_NOT_FOUND: { status: 404, message: 'No back-end with this name is configured' },
  BACKEND_REFERENCE_UNKNOWN: { status: 404, message: 'The reference matches no request sent to this back-end' },
  DELIVERY_NOT_FOUND: { status: 404, message: 'No delivery with this id' },
  EDIT_CONFLICT: { status: 409, message: 'Someone else changed this while you were editing it: look again and make your change once more' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side; the request was not processed' },
  UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** A problem with one field of the input, named by its path (e.g. `attribute[depth]`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export class PipeworkError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

export const invalid = (problems: FieldProblem[]) =>
  new PipeworkError('INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
