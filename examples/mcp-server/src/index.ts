export * from './admit-access';
export * from './agent';
export * from './agent-document';
export * from './mcp-server';
export * from './tools';
