import { describe } from 'vitest';
import { relayTransport } from '../../../sync/replication/relay-transport.ts';
import { boxTransportContract } from './box-transport-contract.ts';
import { relayFixture } from './relay-fixture.ts';

describe('relay transport (y-websocket client, y-websocket relay)', () => {
  boxTransportContract(relayFixture('y-websocket', 'relay (y-websocket)', relayTransport));
});
