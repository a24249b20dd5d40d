import { createEmbeddedDatabase } from '../support/postgres';
import { callRecordsDbContract } from './call-records-db.contract';

describe('the call records on the embedded PostgreSQL (pglite)', () => {
  callRecordsDbContract(() => createEmbeddedDatabase());
});
