// Loaded only by backend/jest.integration.config.cts: the suites run only when this flag is set,
// so the unit-test config (which matches every *.spec.ts) never starts pods by accident.
process.env['CHAT_INTEGRATION'] = '1';
