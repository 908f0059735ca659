/**
 * Go: src/mime/mediatype.go ParseMediaType — the media type (before any `;` parameters),
 * lower-cased; undefined when it is not `token/token`.
 */
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

export function mediaType(contentType: string | undefined): string | undefined {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : undefined;
}
