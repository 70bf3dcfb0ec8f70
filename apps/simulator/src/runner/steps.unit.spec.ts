import { Action, CallAction, DisplayAction } from '../model';
import { steps } from './steps';

const display = (at: number, seq: number, listingId = 'L1'): DisplayAction => ({
  kind: 'display',
  at,
  seq,
  visitorId: 'v1',
  sessionId: 's1',
  listingId,
});
const call = (at: number, seq: number, listingId = 'L1'): CallAction => ({
  kind: 'call',
  at,
  seq,
  callSid: `CA${seq}`,
  visitorId: 'v1',
  caller: '+14153000001',
  listingId,
  dealerId: 'D1',
  sessionId: 's1',
  timing: 'in-session',
  answered: true,
  durationS: 60,
});

describe('steps', () => {
  it('cut the stream into steps at their start instants, skipping quiet ones but moving at least every gap', () => {
    const actions: Action[] = [display(5_000, 1), display(95_000, 2, 'L2')];
    const played = [...steps(actions, 0, 300_000, 30_000, 120_000)];
    expect(played.map((s) => s.at)).toEqual([0, 90_000, 210_000]);
    expect(played[1].visits).toEqual([[actions[1]]]);
  });

  it('play a call about a listing shown within the same step in the next step, after the display', () => {
    const played = [...steps([display(1_000, 1), call(20_000, 2)], 0, 120_000, 30_000, 600_000)];
    expect(played[0].calls).toEqual([]);
    expect(played[1].calls.map((c) => c.callSid)).toEqual(['CA2']);
  });

  it('keep a call about a listing shown in an earlier step in its own step, unless it was shown again just before', () => {
    const played = [
      ...steps([display(1_000, 1), call(40_000, 2), display(61_000, 3), call(70_000, 4)], 0, 120_000, 30_000, 600_000),
    ];
    expect(played[1].calls.map((c) => c.callSid)).toEqual(['CA2']);
    expect(played[2].calls).toEqual([]);
    expect(played[3].calls.map((c) => c.callSid)).toEqual(['CA4']);
  });
});
