/**
 * Issue 12 defect 2: recording a TLS event never throws out of a server's event handler (an
 * uncaught throw there ends the mock) — checked on an event emitter standing in for the server.
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { createClock } from '../clock.ts';
import { Journal } from '../journal.ts';
import { recordTlsEvents } from './events.ts';

function fakeServer(): EventEmitter & { address(): null } {
  return Object.assign(new EventEmitter(), { address: () => null });
}

describe('recordTlsEvents (issue 12 defect 2)', () => {
  it('a failed handshake under a clock beyond any date is recorded, not thrown', () => {
    const server = fakeServer();
    const journal = new Journal(10);
    recordTlsEvents(
      server as unknown as Server,
      journal,
      createClock(() => 8.64e15 + 1e12),
      'default',
    );
    const err = Object.assign(new Error('tlsv1 alert unknown ca: SSL alert number 48'), { code: 'ECONNRESET' });
    expect(() => server.emit('tlsClientError', err, new EventEmitter())).not.toThrow();
    expect(journal.listTls()).toMatchObject([{ event: 'handshake-failed', alert: 48 }]);
  });

  it('a journal that throws: both handlers report on stderr and throw nothing', () => {
    const server = fakeServer();
    const journal = new Journal(10);
    vi.spyOn(journal, 'recordTls').mockImplementation(() => {
      throw new RangeError('Invalid time value');
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      recordTlsEvents(server as unknown as Server, journal, createClock(), 'default');
      expect(() => server.emit('tlsClientError', new Error('boom'), new EventEmitter())).not.toThrow();
      const socket = new EventEmitter();
      expect(() => server.emit('secureConnection', socket)).not.toThrow();
      expect(() => socket.emit('close')).not.toThrow();
      expect(stderr).toHaveBeenCalledTimes(2);
    } finally {
      stderr.mockRestore();
    }
  });
});
