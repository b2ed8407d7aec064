/** The version printed in the AsyncAPI and OpenAPI documents; bump it with any contract change. */
export const CONTRACTS_VERSION = '1.7.0';
