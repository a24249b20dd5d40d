import nock from 'nock';

// Outbound HTTP (Twilio REST, the wallet core API) must be intercepted; loopback stays reachable.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
