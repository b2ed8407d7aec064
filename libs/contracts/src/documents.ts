import { catalog, EventContract } from './catalog';
import { openApiDocument } from './http/openapi';
import { Topic } from './topics';

/** The version printed in the AsyncAPI document; bump it with any contract change. */
export const CONTRACTS_VERSION = '1.7.0';

const SCHEMA_ID = 'urn:admit:schema:';

const entries = () => Object.entries(catalog) as [Topic, EventContract][];

/** JSON Schema of one event's data, as a plain JSON value (TypeBox's symbols dropped). */
export function jsonSchemaOf(topic: Topic): Record<string, unknown> {
  const schema = JSON.parse(JSON.stringify(catalog[topic].schema)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: `${SCHEMA_ID}${topic}`, title: catalog[topic].title, ...schema };
}

/** The Kafka headers of a binary-mode CloudEvent, as AsyncAPI message headers. */
const cloudEventHeaders = {
  type: 'object',
  required: ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'content-type'],
  properties: {
    ce_specversion: { type: 'string', const: '1.0' },
    ce_id: { type: 'string', description: 'Event id; consumers dedupe on it.' },
    ce_source: { type: 'string', description: 'The service that published, e.g. /admit/validator.' },
    ce_type: { type: 'string', description: 'Equals the topic name.' },
    ce_time: { type: 'string', format: 'date-time' },
    ce_subject: { type: 'string', description: 'The client id the event is about.' },
    ce_correlationid: { type: 'string', description: 'Shared by every event of one request, the decision included; a request without it gets its ce_id.' },
    ce_causationid: { type: 'string', description: 'The id of the event that caused this one.' },
    ce_replyto: { type: 'string', description: 'The intake instance that answers the HTTP caller; copied onto every derived event.' },
    'content-type': { type: 'string', const: 'application/json' },
    traceparent: { type: 'string', description: 'W3C trace context.' },
  },
};

const camel = (topic: Topic) =>
  topic
    .replace(/^admit\./, '')
    .split(/[.-]/)
    .map((part, i) => (i === 0 ? part : part[0].toUpperCase() + part.slice(1)))
    .join('');

export function asyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const [topic, contract] of entries()) {
    const name = camel(topic);
    messages[name] = {
      name: topic,
      title: contract.title,
      summary: (contract.schema as { description?: string }).description,
      contentType: 'application/json',
      headers: cloudEventHeaders,
      payload: jsonSchemaOf(topic),
      bindings: { kafka: { key: { type: 'string', description: contract.key } } },
    };
    channels[name] = {
      address: topic,
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: {
        kafka: {
          topic,
          topicConfiguration: { 'cleanup.policy': [contract.compacted ? 'compact' : 'delete'] },
        },
      },
    };
    operations[`publish${name[0].toUpperCase()}${name.slice(1)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${name}` },
      messages: [{ $ref: `#/channels/${name}/messages/${name}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Admit events',
      version: CONTRACTS_VERSION,
      description:
        'Every topic Admit publishes. Events are CloudEvents 1.0 in Kafka binary content mode: ce_* headers and a JSON body. ' +
        'A breaking change gets a new .vN topic, never an edited schema.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The broker tools/kafka starts.' },
    },
    channels,
    operations,
    components: { messages },
  };
}

/** Every generated file, by its path under `generated/`; committed, and checked for drift by a test. */
export function contractDocuments(): Record<string, unknown> {
  const docs: Record<string, unknown> = { 'asyncapi.json': asyncApiDocument(), 'openapi.json': openApiDocument() };
  for (const [topic] of entries()) docs[`schemas/${topic}.schema.json`] = jsonSchemaOf(topic);
  return docs;
}
