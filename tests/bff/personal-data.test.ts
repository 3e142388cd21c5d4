import { findPersonalData } from '../support/leaks';
import { departmentToken, submittedApplication, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('personal data', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'trace' });
  });
  afterAll(() => server.close());

  test('when the leak scanner reads text, then it finds valid ID numbers and mobiles, and ignores timestamps and invalid numbers', () => {
    const input = validApplication();
    expect(findPersonalData(`{"id":"${input.mother.idNumber}","p":"${input.mother.phone}","time":1795378104056}`)).toEqual([
      input.mother.idNumber,
      input.mother.phone,
    ]);
    expect(findPersonalData('330102199203151234 12345678901')).toEqual([]);
  });

  test('when an application goes through, then no ID number or phone is stored in clear, and responses show them masked', async () => {
    const input = validApplication();
    const { id, token } = await submittedApplication(server.url, input);
    const hospital = await departmentToken(server.url, 'hospital');
    await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.birth_certificate`, { token: hospital });

    for (const name of await server.connection.db!.listCollections().toArray()) {
      const docs = await server.connection.collection(name.name).find().toArray();
      expect({ collection: name.name, leaks: findPersonalData(JSON.stringify(docs)) }).toEqual({
        collection: name.name,
        leaks: [],
      });
    }
    const app = await api(server.url, 'GET', `/api/v1/applications/${id}`, { token });
    expect(findPersonalData(JSON.stringify(app.body))).toEqual([]);
    expect(app.body.data.mother.idNumber).toBe(`${input.mother.idNumber.slice(0, 6)}********${input.mother.idNumber.slice(14)}`);
    const list = await api(server.url, 'GET', '/api/v1/dept/tasks', { token: hospital });
    expect(findPersonalData(JSON.stringify(list.body))).toEqual([]);
  });

  test('when requests carry personal data, even in the path or on failure, then the log (at trace level) has none of it', async () => {
    const input = validApplication();
    const { token } = await submittedApplication(server.url, input);
    await api(server.url, 'GET', `/api/v1/applications/${input.mother.idNumber}?phone=${input.mother.phone}`, { token });
    const bad: any = validApplication();
    bad.father.phone = `${input.father.phone}9`;
    await api(server.url, 'POST', '/api/v1/applications', { token, body: bad });
    expect(findPersonalData(server.logs.join(''))).toEqual([]);
    expect(server.logs.length).toBeGreaterThan(3);
  });
});
