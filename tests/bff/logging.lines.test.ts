// The request line is put together by hand (libraries/logger.ts, requestLineWriter) for speed: it must stay
// the line pino would write for the same fields, so log shippers and the leak scanners read it the same.
import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger, requestLineWriter } from '../../bff/src/libraries/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const withoutTime = (line: string) => {
  const { time, ...rest } = JSON.parse(line) as { time: number };
  expect(typeof time).toBe('number');
  return rest;
};

test('when a request line is written, then it is the JSON line pino writes for the same fields, in the same order', async () => {
  const ours = capture();
  const theirs = capture();
  const write = requestLineWriter(createLogger({ level: 'info', destination: ours.stream }));
  const reference = pino({ level: 'info', base: undefined }, theirs.stream);
  const cases = [
    ['0b3f6c1e-8d2a-4f5e-9c7b-1a2b3c4d5e6f', 'GET', '/healthz', 200, 0.3],
    ['client-given.id_01', 'PATCH', '/api/v1/applications/:id', 409, 12.5],
    ['abcdefgh', 'PROPFIND', '(no route)', 404, 0],
  ] as const;
  for (const [requestId, method, route, status, ms] of cases) {
    write(requestId, method, route, status, ms);
    reference.info({ requestId, method, route, status, ms }, 'request');
  }
  await new Promise((resolve) => setImmediate(resolve));
  expect(ours.lines).toHaveLength(cases.length);
  ours.lines.forEach((line, i) => {
    expect(Object.keys(JSON.parse(line))).toEqual(Object.keys(JSON.parse(theirs.lines[i])));
    expect(withoutTime(line)).toEqual(withoutTime(theirs.lines[i]));
  });
});

test('when the level is above info, then no request line is written', async () => {
  const out = capture();
  requestLineWriter(createLogger({ level: 'warn', destination: out.stream }))('abcdefgh', 'GET', '/healthz', 200, 1);
  await new Promise((resolve) => setImmediate(resolve));
  expect(out.lines).toEqual([]);
});
