// Real: every library's exported config fragments and embedded mode's schema; nothing stubbed.
import * as audit from '@admit/audit';
import * as intake from '@admit/intake';
import * as keys from '@admit/keys';
import * as metadata from '@admit/metadata';
import * as platform from '@admit/platform';
import * as policy from '@admit/policy';
import * as revocation from '@admit/revocation';
import * as store from '@admit/store';
import * as trust from '@admit/trust';
import * as validator from '@admit/validator';
import { Kind, TSchema } from '@sinclair/typebox';
import { EmbeddedConfig } from './config';

const VARIABLE = /^(ADMIT_[A-Z0-9_]+|KAFKA_BROKERS|DATABASE_URL)$/;

/** Every exported object of variables (a config fragment) of every library, by `lib.name`. */
function fragments(): Record<string, Record<string, TSchema>> {
  const libs = { audit, intake, keys, metadata, platform, policy, revocation, store, trust, validator };
  const found: Record<string, Record<string, TSchema>> = {};
  for (const [lib, exports] of Object.entries(libs)) {
    for (const [name, value] of Object.entries(exports as Record<string, unknown>)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !name.endsWith('Config')) continue;
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.every(([key, schema]) => VARIABLE.test(key) && typeof schema === 'object' && schema !== null && Kind in schema)) {
        found[`${lib}.${name}`] = value as Record<string, TSchema>;
      }
    }
  }
  return found;
}

describe('config fragments', () => {
  const all = fragments();

  it('finds the fragments of every library that has variables', () => {
    expect(Object.keys(all)).toEqual(
      expect.arrayContaining(['audit.auditConfig', 'intake.intakeConfig', 'keys.signingKeyConfig', 'metadata.fetchConfig', 'platform.issuerConfig', 'policy.policyConfig', 'store.databaseConfig', 'trust.trustAnchorsConfig', 'validator.validatorConfig']),
    );
  });

  it('declares each variable once: every fragment naming it has the same schema (required or not)', () => {
    const schemas = new Map<string, Map<string, string[]>>();
    for (const [fragment, variables] of Object.entries(all)) {
      for (const [name, schema] of Object.entries(variables)) {
        // JSON leaves out TypeBox's symbol keys, so an optional and a required variable compare equal.
        const json = JSON.stringify(schema);
        const byJson = schemas.get(name) ?? new Map<string, string[]>();
        byJson.set(json, [...(byJson.get(json) ?? []), fragment]);
        schemas.set(name, byJson);
      }
    }
    const conflicts = [...schemas].filter(([, byJson]) => byJson.size > 1).map(([name, byJson]) => `${name}: ${[...byJson.values()].map((f) => f.join(', ')).join(' vs ')}`);
    expect(conflicts).toEqual([]);
  });

  it('composes embedded mode only from the libraries\' fragments: no variable of its own', () => {
    const declared = new Set(Object.values(all).flatMap((variables) => Object.values(variables)));
    const own = Object.entries(EmbeddedConfig.properties).filter(([name, schema]) => !declared.has(schema) && !['ADMIT_HTTP_HOST', 'ADMIT_HTTP_PORT'].includes(name));
    expect(own.map(([name]) => name)).toEqual([]);
  });
});
