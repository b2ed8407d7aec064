// Fails fast, with a message that says what to do, when the PostgreSQL the tests use does not answer.
const { Client } = require('pg');

const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
client
  .connect()
  .then(() => client.query('SELECT version()'))
  .then(({ rows }) => {
    console.log(`PostgreSQL answers at ${new URL(url).host}: ${rows[0].version.split(' on ')[0]}`);
    return client.end();
  })
  .catch((err) => {
    console.error(`PostgreSQL at ${new URL(url).host} does not answer (${err.message}). Start it, or set TEST_DATABASE_URL.`);
    process.exit(1);
  });
