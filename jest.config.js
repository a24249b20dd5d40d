/** Tests talk to a real Redis; each file uses its own key prefix (see test/support/redis.ts). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/test/support/no-network.ts'],
  testTimeout: 20000,
};
