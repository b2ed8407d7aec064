-- Run once by the PostgreSQL image on its first start (/docker-entrypoint-initdb.d), as the superuser,
-- in the database it created (POSTGRES_DB). Two roles, so the apps cannot switch the audit trail's
-- append-only triggers off: admit_owner migrates and owns the tables (`admit db migrate`), admit_app is
-- what every service connects as and gets only what the services need. Local development only:
-- no passwords; with real credentials, give each role its own secret.
CREATE ROLE admit_owner LOGIN;
CREATE ROLE admit_app LOGIN;
-- Auditors' read-only SQL (docs/auditor-sql.md): NOLOGIN, granted to people; the migrations give it the audit views.
CREATE ROLE admit_auditor NOLOGIN;
ALTER DATABASE admit OWNER TO admit_owner;
