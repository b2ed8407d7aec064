// Real: the anchors file on disk, the module's start-up checks. Nothing stubbed; no service started.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidatorModule } from './validator.module';
import { ValidatorVariables, validatorOptions } from './validator-config';

describe('ValidatorModule with a spiffe anchor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'admit-validator-module-'));
  const anchorsFile = join(dir, 'anchors.yaml');
  writeFileSync(
    anchorsFile,
    ['anchors:', '  - {id: prod, type: spiffe, trust_domain: prod.example, bundle_endpoint: "https://spire.prod.example/bundle", templates: {"ns/": {grant_types: [client_credentials]}}}'].join('\n'),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = { ADMIT_TRUST_ANCHORS_FILE: anchorsFile, ADMIT_FETCH_ALLOW_HOSTS: '', ADMIT_CIMD_MIN_TTL_S: 60, ADMIT_CIMD_MAX_TTL_S: 86_400 } as ValidatorVariables;

  it('refuses to start without Admit\'s issuer, the aud every SVID must name', () => {
    expect(() => ValidatorModule.forRoot(validatorOptions(config))).toThrow('ADMIT_ISSUER: required with a type: spiffe anchor (every JWT-SVID must name Admit as its aud)');
  });

  it('starts with it, from the variable or as embedded mode passes it', () => {
    expect(ValidatorModule.forRoot(validatorOptions({ ...config, ADMIT_ISSUER: 'https://admit.example' })).module).toBe(ValidatorModule);
    const embedded = validatorOptions({ ...config, ADMIT_DATA_DIR: dir, ADMIT_HTTP_HOST: '127.0.0.1', ADMIT_HTTP_PORT: 8080 });
    expect(embedded.issuer).toBe('http://localhost:8080');
    expect(ValidatorModule.forRoot(embedded).module).toBe(ValidatorModule);
  });
});
