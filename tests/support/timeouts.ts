// Integration and e2e suites start brokers' consumer groups and whole processes: seconds, not milliseconds.
jest.setTimeout(180_000);
