// Real: KafkaConnection's send queue and its producer handling, and kafkajs's own error classes.
// Stubbed: the producers kafkajs would make (no broker): each records the batches it is asked to send
// and answers with the next outcome given.
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, Producer } from 'kafkajs';
import { TransientError } from '../transient-error';
import { KafkaConnection } from './kafka-connection';

const protocolError = (type: string, code: number) => new KafkaJSProtocolError({ type, code, retriable: false, message: `broker said ${type}` } as never);

describe('KafkaConnection.send', () => {
  let outcomes: (Error | undefined)[];
  let made: { sent: number; disconnected: boolean }[];
  let connection: KafkaConnection;

  beforeEach(() => {
    outcomes = [];
    made = [];
    connection = new KafkaConnection({ brokers: ['127.0.0.1:9'], clientId: 'spec', groupPrefix: 'spec' });
    jest.spyOn(connection.kafka, 'producer').mockImplementation(() => {
      const record = { sent: 0, disconnected: false };
      made.push(record);
      return {
        connect: async () => undefined,
        disconnect: async () => void (record.disconnected = true),
        sendBatch: async () => {
          record.sent += 1;
          const outcome = outcomes.shift();
          if (outcome) throw outcome;
          return [];
        },
      } as unknown as Producer;
    });
  });

  const send = () => connection.send('admit.registration.requested.v1', { key: 'c_1', value: Buffer.from('{}'), headers: {} });

  it.each([
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45)],
    ['UNKNOWN_PRODUCER_ID', protocolError('UNKNOWN_PRODUCER_ID', 59)],
    ['INVALID_PRODUCER_EPOCH, as the cause of exhausted retries', new KafkaJSNumberOfRetriesExceeded(protocolError('INVALID_PRODUCER_EPOCH', 47), { retryCount: 5, retryTime: 100 })],
  ])('rejects the batch, then starts a new producer after %s', async (_what, error) => {
    outcomes.push(error);
    await expect(send()).rejects.toEqual(expect.objectContaining({ code: 'ERR_TRANSIENT', cause: error }));
    await expect(send()).resolves.toBeUndefined();
    expect(made).toEqual([
      { sent: 1, disconnected: true },
      { sent: 1, disconnected: false },
    ]);
  });

  it.each([
    ['a refused connection', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092')],
    ['retries exhausted on a refused connection', new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { retryCount: 5, retryTime: 100 })],
    ['a retriable protocol error', new KafkaJSProtocolError({ type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true, message: 'broker said NOT_LEADER_FOR_PARTITION' } as never)],
  ])('rejects with a TransientError after %s, so a handler waits for the broker rather than dead-letter', async (_what, error) => {
    outcomes.push(error);
    const rejected = await send().then(() => undefined, (err: unknown) => err);
    expect(rejected).toBeInstanceOf(TransientError);
    expect(rejected).toEqual(expect.objectContaining({ code: 'ERR_TRANSIENT', cause: error }));
    await expect(send()).resolves.toBeUndefined();
    expect(made).toEqual([{ sent: 2, disconnected: false }]);
  });

  it('keeps its producer after any other error, and rejects with that error', async () => {
    const error = protocolError('NOT_LEADER_FOR_PARTITION', 6);
    outcomes.push(error, new Error('connection closed'));
    await expect(send()).rejects.toBe(error);
    await expect(send()).rejects.toThrow('connection closed');
    await expect(send()).resolves.toBeUndefined();
    expect(made).toEqual([{ sent: 3, disconnected: false }]);
  });
});
