import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { TEST_DATABASES } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from '../../../test/support/test-web.ts';
import { MAX_UPLOAD_BYTES } from './uploaded-files.ts';

const [pglite] = TEST_DATABASES;
if (pglite === undefined) throw new Error('PGlite test database missing');

const MB = 1024 * 1024;
const BOUNDARY = '----ips-test-streamed';

/**
 * A multipart body sent a megabyte at a time, only as the server reads it, counting what was
 * sent: so a test can tell whether the server refused before reading it all.
 */
function streamedBody(parts: ReadonlyArray<{ field: string; megabytes: number }>) {
  const sent = { bytes: 0 };
  const megabyte = Buffer.alloc(MB, 0x41);
  function* pieces(): Generator<Buffer> {
    for (const [index, part] of parts.entries()) {
      yield Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.field}"; filename="team${index}.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      for (let sentMegabytes = 0; sentMegabytes < part.megabytes; sentMegabytes++) yield megabyte;
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${BOUNDARY}--\r\n`);
  }
  const source = pieces();
  const payload = new Readable({
    read() {
      const next = source.next();
      if (next.done) return this.push(null);
      sent.bytes += next.value.length;
      this.push(next.value);
    },
  });
  return { body: { contentType: `multipart/form-data; boundary=${BOUNDARY}`, payload }, sent };
}

describe('reading an upload body', () => {
  let web: TestWeb;
  let leader: TestBrowser;
  let uploadUrl: string;
  before(async () => {
    web = await startTestWeb(pglite);
    const orgs = await seedOrganisations(web.database);
    await createTestAccount(web.database, 'leader@nhs.net', [
      role('team-leader', { teamId: orgs.teamA1 }),
    ]);
    leader = web.browser();
    await leader.signIn('leader@nhs.net');
    uploadUrl = `/teams/${orgs.teamA1}/upload`;
    await leader.get(uploadUrl);
  });
  after(() => web.close());

  it('refuses a file under any field but "file" before reading its bytes', async () => {
    const { body, sent } = streamedBody([{ field: 'other', megabytes: 40 }]);
    const response = await leader.postBody(uploadUrl, body);
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /a file that was not sent from the form&#39;s file field/);
    // The answer came while most of the 40 MB was still unsent: it was never buffered.
    assert.ok(sent.bytes < 8 * MB, `${sent.bytes} bytes read`);
  });

  it('refuses a file over the per-file limit with its limit, not a bare 413', async () => {
    const { body } = streamedBody([{ field: 'file', megabytes: 51 }]);
    const response = await leader.postBody(uploadUrl, body);
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /team0\.xlsx is larger than 50 MB/);
  });

  it('stops reading once the files together pass the upload limit, and says the limit', async () => {
    const perFile = 40;
    const files = Math.ceil(MAX_UPLOAD_BYTES / MB / perFile) + 1;
    const { body, sent } = streamedBody(
      Array.from({ length: files }, () => ({ field: 'file', megabytes: perFile })),
    );
    const response = await leader.postBody(uploadUrl, body);
    assert.equal(response.statusCode, 400);
    assert.match(
      response.body,
      /The files together are larger than the 100 MB one upload may hold/,
    );
    assert.ok(sent.bytes < MAX_UPLOAD_BYTES + 8 * MB, `${sent.bytes} bytes read`);
  });
});
