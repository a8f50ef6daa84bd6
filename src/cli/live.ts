/**
 * npm run live -- [--tracefs DIR] [--from FILE|FIFO [--realtime]] [--port N] [--dist DIR]
 * The MMU of a running VM, watched as it changes: reads tracefs's trace_pipe (after turning on the
 * kvmmmu events, or using those already on), serves the built app on 127.0.0.1 at a URL with a
 * random token, and streams the trace text to the open page in batches of whole lines over
 * Server-Sent Events. `--from` plays a capture (plain or .gz text, or a FIFO) instead; with
 * `--realtime` at its own timestamps. Exit status: 0 at the end of a capture, 1 when tracefs or
 * the events are not usable, 2 on bad arguments.
 */
import { err, out, safe } from './terminal';
import { parseArgs } from 'node:util';
import { createReadStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineBatcher } from '../live/lineBatcher';
import { LiveError } from '../live/liveError';
import { enableEvents, findTracefs } from '../live/tracefs';
import { newToken, startLiveServer } from '../live/server';
import { captureText, paced } from '../live/fromCapture';

const USAGE =
  'usage: npm run live -- [--tracefs DIR] [--from FILE|FIFO [--realtime]] [--port N] [--dist DIR]';

async function* pipeText(path: string): AsyncGenerator<string> {
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>)
    yield chunk.toString('utf8');
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        tracefs: { type: 'string' },
        from: { type: 'string' },
        realtime: { type: 'boolean' },
        port: { type: 'string', default: '0' },
        dist: { type: 'string', default: 'dist' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new LiveError(`${(e as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new LiveError(`--port ${values.port}: not a port number\n${USAGE}`, 2);
  if (values.realtime && !values.from) throw new LiveError(`--realtime needs --from\n${USAGE}`, 2);
  const dist = resolve(values.dist);
  if (!existsSync(join(dist, 'index.html')))
    throw new LiveError(`${dist}/index.html is missing: run \`npm run build\` first`);

  let source: AsyncIterable<string>;
  if (values.from) {
    if (!existsSync(values.from)) throw new LiveError(`--from ${values.from}: no such file`, 2);
    source = captureText(values.from);
    if (values.realtime) source = paced(source);
  } else {
    const dir = await findTracefs(values.tracefs);
    const { alreadyOn, enabled } = await enableEvents(dir);
    if (alreadyOn.length) out(`using the events already on in ${dir}: ${alreadyOn.join(', ')}`);
    else out(`enabled ${enabled.join(', ')} in ${dir}`);
    source = pipeText(join(dir, 'trace_pipe'));
  }

  const server = await startLiveServer({
    dist,
    token: newToken(),
    port,
    keepBacklog: Boolean(values.from),
  });
  out(`live: open ${server.url}`);
  const batcher = new LineBatcher((b) => server.send(b));
  let lines = 0;
  for await (const chunk of source) {
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
    batcher.push(chunk);
  }
  batcher.end();
  server.end();
  out(`live: the input ended after ${lines} lines; Ctrl-C to stop serving`);
  await new Promise<void>((ok) => process.once('SIGINT', ok).once('SIGTERM', ok));
  await server.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof LiveError) {
      err(`live: ${e.message}`);
      process.exit(e.exitCode);
    }
    const code = (e as NodeJS.ErrnoException).code;
    err(`live: ${safe(e instanceof Error ? e.message : String(e))}${code ? ` (${code})` : ''}`);
    process.exit(1);
  },
);
