/*
 * tty-read: characters from the serial line reach a reader through two interrupt levels.
 * comintr (IPL_SERIAL) drains the UART into a ring and schedules softserial; comsoft
 * (IPL_SOFTSERIAL) appends to t_rawq at spltty and notifies the read klist. The reader
 * takes from t_rawq at spltty too, so no character is lost between the two.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'two bursts of characters on com0 reach a reader in kevent and read(2), none lost',
  description: `com0 receives "ab" and then "cd", each burst at any preemption point. comintr
(IPL_SERIAL) only queues the characters and schedules softserial; comsoft appends them to the
tty's raw queue at spltty and calls knote() on its read klist. The reader waits for
EVFILT_READ, then reads until it has all four characters: ttread takes them from the raw
queue at spltty, so comsoft can never append in the middle of a take.`,
  serial: [
    { at: 0, data: 'ab' },
    { at: 0, data: 'cd' },
  ],
  processes: [
    {
      name: 'reader',
      *main(u) {
        const fd = (yield* u.openTty()).ret;
        const kq = (yield* u.kqueue()).ret;
        const r = yield* u.kevent(kq, [EV_SET(fd, EVFILT_READ, EV_ADD)], 1);
        u.expect(r.ret === 1 && r.events[0]?.ident === fd, 'kevent to report the terminal readable');
        let got = '';
        while (got.length < 4) {
          const rd = yield* u.read(fd, 16);
          u.expect(rd.ret > 0, 'read to return characters');
          got += rd.data;
        }
        u.expect(got === 'abcd', 'to read every character, in order');
        yield* u.close(kq);
        yield* u.close(fd);
      },
    },
  ],
});
