import { RawEnvelope } from './envelope';

/**
 * Upcasters turn an old payload into the current schemaVersion before it is
 * validated, so consumers only ever see the newest shape. None yet: every
 * event is at version 1. A breaking change adds an entry keyed by
 * `${type}@${fromVersion}` and a unit spec with an old payload.
 */
type Upcaster = (envelope: RawEnvelope) => RawEnvelope;

const upcasters: Record<string, Upcaster> = {};

export function upcast(envelope: RawEnvelope): RawEnvelope {
  let current = envelope;
  for (let step = upcasters[`${current.type}@${current.schemaVersion}`]; step;) {
    current = step(current);
    step = upcasters[`${current.type}@${current.schemaVersion}`];
  }
  return current;
}
