/**
 * fast-check arbitraries of the control API's requests (`/__mock/…`, mock/control.ts): its paths
 * and methods, clock bodies out of range and of the wrong type, Content-Types, Origins and Hosts
 * (mock/control-guard.ts). The requests' own arbitraries are in ./arbitraries.ts.
 */
import fc from 'fast-check';
import { CONTENT_TYPES, jsonBodyArb, type RequestSpec } from './arbitraries.ts';
import { pathChar } from './path-arbitraries.ts';

/** The control API: its paths, methods, clock bodies, Origin and Host. */
const clockBody = fc.oneof(
  fc
    .record(
      {
        advanceSeconds: fc.oneof(
          fc.integer(),
          fc.double(),
          fc.constantFrom(8_638_203_846_398, -8.64e12, 1e308, '60', null, true),
        ),
        now: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.constantFrom('+275760-09-13T00:00:00.001Z', '2030-01-01T00:00:00Z', '2030-13-45T99:00:00Z', '', 0),
        ),
        extra: fc.string({ maxLength: 5 }),
      },
      { requiredKeys: [] },
    )
    .map((b) => JSON.stringify(b)),
  jsonBodyArb,
);

/** Extra headers of a control request: its Origin and Host (the guard's rules, mock/control-guard.ts). */
const controlHeadersArb = fc.record(
  {
    origin: fc.constantFrom('https://127.0.0.1:8443', 'http://127.0.0.1:8080', 'https://evil.example', 'null', ''),
    host: fc.constantFrom('localhost:8443', '[::1]:8443', 'evil.example', '127.0.0.1.nip.io', ''),
  },
  { requiredKeys: [] },
);

export const controlArb: fc.Arbitrary<RequestSpec> = fc.record(
  {
    method: fc.constantFrom('GET', 'POST', 'POST', 'DELETE', 'PUT'),
    path: fc.oneof(
      fc.constantFrom(
        '/__mock/clock',
        '/__mock/reset',
        '/__mock/requests',
        '/__mock/tls',
        '/__mock/routes',
        '/__mock/listeners',
        '/__mock/nothing',
        '/__mock',
        '/__mock/clock/',
      ),
      fc
        .tuple(
          fc.constantFrom('requests', 'tls'),
          fc.oneof(fc.integer().map(String), fc.string({ unit: pathChar, maxLength: 8 })),
        )
        .map(([p, s]) => `/__mock/${p}?since=${s}`),
      fc
        .oneof(fc.webUrl(), fc.string({ unit: pathChar, maxLength: 20 }))
        .map((to) => `/__mock/redirect?to=${encodeURIComponent(to)}`),
    ),
    query: fc.constant([]),
    contentType: fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, fc.constantFrom(...CONTENT_TYPES)),
    body: clockBody,
    listener: fc.constantFrom('https' as const, 'http' as const),
    headers: controlHeadersArb,
  },
  { requiredKeys: ['method', 'path', 'query', 'listener', 'contentType', 'headers'] },
);
