export * from './https-fixture';
export * from './wait-for';
export * from './published-document';
export * from './refused';
