// The one error the Kafka codec throws for bytes it cannot accept: a frame that ends early, a
// length that is negative or larger than what is left, a varint that runs on. The listener
// answers it by closing the connection (SPEC §8), so a ProtocolError is the right parent.
import { ProtocolError } from '../../common/errors.js';

export class KafkaProtocolError extends ProtocolError {}
