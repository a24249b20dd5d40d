/** The Twilio variables of a live line (fake credentials: nothing in the tests reaches Twilio). */
export const LIVE_TWILIO_ENV = {
  TWILIO_MODE: 'live',
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'live-auth-token',
  TWILIO_FROM_NUMBER: '+8640000000000',
  PUBLIC_BASE_URL: 'https://hotline.example.test',
};
