// The request schema lives with the other HTTP contracts (libs/contracts/src/http), once.
export { AccessCheckRequest } from '@admit/contracts';
