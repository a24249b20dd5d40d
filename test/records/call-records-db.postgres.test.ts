import { createPostgresDatabase } from '../support/postgres';
import { callRecordsDbContract } from './call-records-db.contract';

describe('the call records on PostgreSQL', () => {
  callRecordsDbContract(() => createPostgresDatabase('records_db'));
});
